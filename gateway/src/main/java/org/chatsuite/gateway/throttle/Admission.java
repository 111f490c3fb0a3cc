package org.chatsuite.gateway.throttle;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.chatsuite.gateway.GatewayConfig;
import org.chatsuite.web.ApiException;
import org.chatsuite.web.LuaScript;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * The edge's Redis work for one request in one round trip (redis/edge.lua): whether the caller's
 * token was revoked, and the decision of every throttle rule that applies, all-or-nothing and shared
 * by every gateway replica.
 * <p>
 * Commands queue for a pooled connection (sized for bursts in the configuration), so a burst waits
 * rather than fails. When Redis is unreachable, or does not answer within
 * {@code chatsuite.edge.redis-timeout}, throttling runs the same
 * algorithm in this replica's memory (limits then hold per replica) and counts
 * {@code gateway.throttle.fallback}; a request whose token must be checked for revocation fails
 * closed with 503 instead, since a revoked token must never pass.
 */
@ApplicationScoped
public class Admission {

    private static final Logger LOG = Logger.getLogger(Admission.class);
    private static final long WARN_EVERY_MS = 30_000;
    private static final int ATTEMPTS = 3;

    /** What the script found: a revoked token, or the throttle decision (null when no rule applies). */
    public record Verdict(boolean revoked, Decision decision) {
    }

    private final ReactiveRedisDataSource redis;
    private final LuaScript script = LuaScript.load("/redis/edge.lua");
    private final java.time.Duration redisTimeout;
    private final Map<String, Long> localTat = new HashMap<>();
    private final Counter fallbacks;
    private final Counter unavailable;
    private final io.micrometer.core.instrument.Timer roundTrips;
    private final AtomicLong lastWarning = new AtomicLong();

    Admission(ReactiveRedisDataSource redis, GatewayConfig config, MeterRegistry metrics) {
        this.redis = redis;
        this.redisTimeout = config.edge().redisTimeout();
        this.fallbacks = metrics.counter("gateway.throttle.fallback");
        this.unavailable = metrics.counter("gateway.edge.redis.failures");
        this.roundTrips = metrics.timer("gateway.edge.redis.latency");
    }

    /**
     * Checks the revocation keys and takes one request from every rule's budget.
     *
     * @param revocationKeys empty for a request without a token
     * @return a failed Uni with a 503 ApiException when revocation could not be checked
     */
    public Uni<Verdict> admit(List<String> revocationKeys, List<Rule> rules) {
        if (revocationKeys.isEmpty() && rules.isEmpty()) {
            return Uni.createFrom().item(new Verdict(false, null));
        }
        List<String> keys = new ArrayList<>(revocationKeys);
        List<String> args = new ArrayList<>();
        args.add(String.valueOf(revocationKeys.size()));
        for (Rule rule : rules) {
            keys.add(rule.key());
            args.add(String.valueOf(rule.intervalMicros()));
            args.add(String.valueOf(rule.perMinute()));
        }
        long start = System.nanoTime();
        // A call left unanswered is sent again, on whatever pooled connection comes next: seen under
        // handshake bursts, a rare call waited seconds while the others were answered at once. A retry
        // may count one request twice against a budget, which errs on the safe side.
        java.time.Duration attempt = redisTimeout.dividedBy(ATTEMPTS);
        return script.run(redis, keys, args)
                .ifNoItem().after(attempt).failWith(() -> new TimeoutException(
                        "no answer within " + attempt.toMillis() + " ms"))
                .onFailure(TimeoutException.class).retry().atMost(ATTEMPTS - 1)
                .invoke(() -> roundTrips.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS))
                .onFailure(TimeoutException.class).transform(e -> new TimeoutException(
                        "no answer within " + redisTimeout.toMillis() + " ms (" + ATTEMPTS + " attempts): Redis is hanging or far behind"))
                .map(r -> verdict(r, rules))
                .onFailure().recoverWithUni(e -> {
                    warn(e);
                    if (!revocationKeys.isEmpty()) {
                        return Uni.createFrom().failure(ApiException.unavailable("Token revocation store is unavailable"));
                    }
                    fallbacks.increment();
                    return Uni.createFrom().item(new Verdict(false, decideLocally(rules)));
                });
    }

    private static Verdict verdict(Response r, List<Rule> rules) {
        if (r.get(0).toInteger() == 1) {
            return new Verdict(true, null);
        }
        int reported = r.get(2).toInteger();
        if (reported == 0) {
            return new Verdict(false, null);
        }
        Rule rule = rules.get(reported - 1);
        return new Verdict(false, new Decision(r.get(1).toInteger() == 1, rule.name(), rule.perMinute(),
                r.get(3).toLong(), r.get(4).toLong(), r.get(5).toLong()));
    }

    private void warn(Throwable e) {
        unavailable.increment();
        long now = System.currentTimeMillis();
        long last = lastWarning.get();
        if (now - last > WARN_EVERY_MS && lastWarning.compareAndSet(last, now)) {
            LOG.warnf("Redis unavailable at the edge (%s): throttle limits hold per replica and requests with a token "
                    + "answer 503 until it is back (gateway_edge_redis_failures_total counts each)", e.toString());
        }
    }

    /** The script's throttle algorithm on this replica's clock and memory. */
    private synchronized Decision decideLocally(List<Rule> rules) {
        if (rules.isEmpty()) {
            return null;
        }
        long now = System.nanoTime() / 1000;
        Decision refused = null;
        Decision reported = null;
        long[] newTats = new long[rules.size()];
        for (int i = 0; i < rules.size(); i++) {
            Rule rule = rules.get(i);
            long interval = rule.intervalMicros();
            long tat = Math.max(now, localTat.getOrDefault(rule.key(), now));
            long newTat = tat + interval;
            long allowAt = newTat - interval * rule.perMinute();
            if (allowAt > now) {
                if (refused == null || ceilMillis(allowAt - now) > refused.retryAfterMillis()) {
                    refused = new Decision(false, rule.name(), rule.perMinute(), 0, ceilMillis(allowAt - now), ceilMillis(tat - now));
                }
            } else {
                newTats[i] = newTat;
                long remaining = (now - allowAt) / interval;
                if (reported == null || remaining < reported.remaining()) {
                    reported = new Decision(true, rule.name(), rule.perMinute(), remaining, 0, ceilMillis(newTat - now));
                }
            }
        }
        if (refused != null) {
            return refused;
        }
        for (int i = 0; i < rules.size(); i++) {
            localTat.put(rules.get(i).key(), newTats[i]);
        }
        if (localTat.size() > 100_000) {
            localTat.values().removeIf(tat -> tat < now);
        }
        return reported;
    }

    private static long ceilMillis(long micros) {
        return (micros + 999) / 1000;
    }
}
