package org.chatsuite.chat.realtime;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.chatsuite.chat.ChatConfig;
import org.chatsuite.chat.message.ChatKeys;
import org.chatsuite.web.LuaScript;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

/**
 * How many frames a user may send, whatever their type, summed over all their sockets on every
 * replica ({@code redis/budget.lua}): {@code CHATSUITE_WEBSOCKET_MESSAGE_RATE} a second after a
 * burst of {@code CHATSUITE_WEBSOCKET_MESSAGE_BURST}. Opening more sockets, or sending cheap-looking
 * frames that make the server work (a {@code resume} replays up to the replay limit, a {@code typing}
 * fans out to every member), buys no more.
 */
@ApplicationScoped
public class FrameBudget {

    private static final Logger LOG = Logger.getLogger(FrameBudget.class);
    private static final LuaScript SCRIPT = LuaScript.load("/redis/budget.lua");

    private final ReactiveRedisDataSource redis;
    private final String interval;
    private final String burst;
    private final Duration redisTimeout;

    FrameBudget(ReactiveRedisDataSource redis, ChatConfig config,
            @ConfigProperty(name = "quarkus.redis.timeout") Duration redisTimeout) {
        this.redis = redis;
        this.redisTimeout = redisTimeout;
        this.interval = String.valueOf(Math.max(1, Math.round(1_000_000 / config.websocket().messageRate())));
        this.burst = String.valueOf(config.websocket().messageBurst());
    }

    /**
     * Takes {@code cost} frames from the user's budget; false when it is spent. When Redis cannot
     * answer, the frame is let through: what it asks for needs Redis too and fails by itself, and a
     * {@code ping} is no load worth refusing. A Redis that does not answer counts as unable to, after
     * {@code quarkus.redis.timeout}, so that no frame waits on it for ever.
     */
    Uni<Boolean> tryTake(long user, int cost) {
        return SCRIPT.run(redis, List.of(ChatKeys.frameBudget(user)), List.of(interval, burst, String.valueOf(cost)))
                .map(waitMicros -> waitMicros.toLong() == 0)
                .ifNoItem().after(redisTimeout).fail()
                .onFailure().recoverWithItem(e -> {
                    LOG.debugf("frame budget of user %d unavailable: %s", user, e.toString());
                    return true;
                });
    }
}
