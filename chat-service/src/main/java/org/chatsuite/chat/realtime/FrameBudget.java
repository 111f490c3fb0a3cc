package org.chatsuite.chat.realtime;

import jakarta.enterprise.context.ApplicationScoped;

import org.chatsuite.chat.ChatConfig;
import org.chatsuite.chat.message.ChatKeys;
import org.chatsuite.chat.redis.SharedBudgets;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;

/**
 * How many frames a user may send, whatever their type, summed over all their sockets on every
 * replica ({@link SharedBudgets}): {@code CHATSUITE_WEBSOCKET_MESSAGE_RATE} a second after a
 * burst of {@code CHATSUITE_WEBSOCKET_MESSAGE_BURST}. Opening more sockets, or sending cheap-looking
 * frames that make the server work (a {@code resume} replays up to the replay limit, a {@code typing}
 * fans out to every member), buys no more.
 */
@ApplicationScoped
public class FrameBudget {

    private static final Logger LOG = Logger.getLogger(FrameBudget.class);

    private final SharedBudgets budgets;
    private final long intervalMicros;
    private final long burst;

    FrameBudget(SharedBudgets budgets, ChatConfig config) {
        this.budgets = budgets;
        this.intervalMicros = Math.max(1, Math.round(1_000_000 / config.websocket().messageRate()));
        this.burst = config.websocket().messageBurst();
    }

    /**
     * Takes {@code cost} frames from the user's budget; false when it is spent. When Redis cannot
     * answer (or not within {@code quarkus.redis.timeout}), the frame is let through: what it asks for
     * needs Redis too and fails by itself, and a {@code ping} is no load worth refusing.
     */
    Uni<Boolean> tryTake(long user, int cost) {
        return budgets.take(ChatKeys.frameBudget(user), intervalMicros, burst, cost)
                .map(waitMicros -> waitMicros == 0)
                .onFailure().recoverWithItem(e -> {
                    LOG.debugf("frame budget of user %d unavailable: %s", user, e.toString());
                    return true;
                });
    }
}
