package org.chatsuite.chat.redis;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.chatsuite.web.LuaScript;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

/**
 * Rate budgets shared by every replica ({@code redis/budget.lua}, GCRA): a burst of {@code burst} units,
 * then one every {@code intervalMicros}. One mechanism for a user's WebSocket frames and their
 * conversation creations; each caller decides what a Redis that cannot answer means for it.
 */
@ApplicationScoped
public class SharedBudgets {

    private static final LuaScript SCRIPT = LuaScript.load("/redis/budget.lua");

    private final ReactiveRedisDataSource redis;
    private final Duration redisTimeout;

    SharedBudgets(ReactiveRedisDataSource redis, @ConfigProperty(name = "quarkus.redis.timeout") Duration redisTimeout) {
        this.redis = redis;
        this.redisTimeout = redisTimeout;
    }

    /**
     * Takes {@code cost} units from the budget under {@code key}: 0 when they were taken, else the
     * microseconds to wait (nothing is taken then). Fails when Redis does not answer within
     * {@code quarkus.redis.timeout}, so that nobody waits on it for ever.
     */
    public Uni<Long> take(String key, long intervalMicros, long burst, int cost) {
        return SCRIPT.run(redis, List.of(key),
                List.of(String.valueOf(intervalMicros), String.valueOf(burst), String.valueOf(cost)))
                .map(waitMicros -> waitMicros.toLong())
                .ifNoItem().after(redisTimeout).fail();
    }
}
