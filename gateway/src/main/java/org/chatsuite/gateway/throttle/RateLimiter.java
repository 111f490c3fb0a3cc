package org.chatsuite.gateway.throttle;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.chatsuite.web.LuaScript;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * GCRA rate limiting: one atomic Redis script per decision, so every gateway replica shares each
 * limit. When Redis cannot answer quickly the same algorithm runs in this replica's memory
 * (limits then hold per replica), with a warning and the {@code gateway.throttle.fallback} metric.
 */
@ApplicationScoped
public class RateLimiter {

    private static final Logger LOG = Logger.getLogger(RateLimiter.class);
    private static final Duration REDIS_WAIT = Duration.ofMillis(250);
    private static final long WARN_EVERY_MS = 30_000;

    private final ReactiveRedisDataSource redis;
    private final LuaScript script = LuaScript.load("/redis/gcra.lua");
    private final ConcurrentHashMap<String, Long> localTat = new ConcurrentHashMap<>();
    private final Counter fallbacks;
    private final AtomicLong lastWarning = new AtomicLong();

    RateLimiter(ReactiveRedisDataSource redis, MeterRegistry metrics) {
        this.redis = redis;
        this.fallbacks = metrics.counter("gateway.throttle.fallback");
    }

    /** Takes one request from {@code key}'s budget of {@code perMinute} requests per minute. */
    public Uni<Decision> take(String key, int perMinute) {
        long interval = 60_000_000L / perMinute; // µs
        return script.run(redis, List.of("throttle:" + key), List.of(String.valueOf(interval), String.valueOf(perMinute)))
                .ifNoItem().after(REDIS_WAIT).fail()
                .map(r -> decision(r, perMinute))
                .onFailure().recoverWithItem(e -> {
                    fallbacks.increment();
                    long now = System.currentTimeMillis();
                    long last = lastWarning.get();
                    if (now - last > WARN_EVERY_MS && lastWarning.compareAndSet(last, now)) {
                        LOG.warnf("Redis unavailable for throttling (%s): limits are per replica until it is back", e.toString());
                    }
                    return takeLocally(key, interval, perMinute);
                });
    }

    private static Decision decision(Response r, int limit) {
        return new Decision(r.get(0).toLong() == 1, limit, r.get(1).toLong(), r.get(2).toLong(), r.get(3).toLong());
    }

    /** The script's algorithm on this replica's clock and memory. */
    private Decision takeLocally(String key, long interval, int limit) {
        long now = System.nanoTime() / 1000;
        Decision[] result = new Decision[1];
        localTat.compute(key, (k, stored) -> {
            long tat = stored == null || stored < now ? now : stored;
            long newTat = tat + interval;
            long allowAt = newTat - interval * limit;
            if (allowAt > now) {
                result[0] = new Decision(false, limit, 0, ceilMillis(allowAt - now), ceilMillis(tat - now));
                return stored;
            }
            result[0] = new Decision(true, limit, (now - allowAt) / interval, 0, ceilMillis(newTat - now));
            return newTat;
        });
        if (localTat.size() > 100_000) {
            localTat.entrySet().removeIf(e -> e.getValue() < now);
        }
        return result[0];
    }

    private static long ceilMillis(long micros) {
        return (micros + 999) / 1000;
    }
}
