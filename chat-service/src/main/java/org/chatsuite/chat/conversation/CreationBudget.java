package org.chatsuite.chat.conversation;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.chatsuite.chat.ChatConfig;
import org.chatsuite.web.ApiException;
import org.chatsuite.web.LuaScript;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;

/**
 * How many conversations a user may create (docs/API.md#post-apichatconversations): without a budget
 * anyone could put anyone into any number of 256-member groups. One script call per creation, in
 * Redis so that every replica draws on the same budget.
 */
@ApplicationScoped
class CreationBudget {

    private static final LuaScript SCRIPT = LuaScript.load("/redis/budget.lua");

    private final ReactiveRedisDataSource redis;
    private final int limit;
    private final long intervalMicros;
    private final Duration redisTimeout;

    CreationBudget(ReactiveRedisDataSource redis, ChatConfig config,
            @ConfigProperty(name = "quarkus.redis.timeout") Duration redisTimeout) {
        this.redis = redis;
        this.limit = config.conversationCreate().limit();
        this.intervalMicros = limit <= 0 ? 0 : Math.max(1, config.conversationCreate().period().toNanos() / 1000 / limit);
        this.redisTimeout = redisTimeout;
    }

    /** Takes one creation from the user's budget, or throws 429 with the seconds to wait (503 without Redis). */
    void take(long user) {
        if (limit <= 0) {
            return;
        }
        long waitMicros = SCRIPT.run(redis, List.of(key(user)),
                        List.of(String.valueOf(intervalMicros), String.valueOf(limit), "1"))
                .ifNoItem().after(redisTimeout).fail()
                .onFailure().transform(e -> ApiException.unavailable("Conversation store is unavailable; try again shortly"))
                .await().indefinitely()
                .toLong();
        if (waitMicros > 0) {
            throw ApiException.throttled((waitMicros + 999_999) / 1_000_000);
        }
    }

    static String key(long user) {
        return "chat:user:" + user + ":conversation-budget";
    }
}
