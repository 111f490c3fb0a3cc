package org.chatsuite.chat.conversation;

import jakarta.enterprise.context.ApplicationScoped;

import org.chatsuite.chat.ChatConfig;
import org.chatsuite.chat.redis.SharedBudgets;
import org.chatsuite.web.ApiException;

/**
 * How many conversations a user may create (docs/API.md#post-apichatconversations): without a budget
 * anyone could put anyone into any number of 256-member groups. One script call per creation, in
 * Redis so that every replica draws on the same budget.
 */
@ApplicationScoped
class CreationBudget {

    private final SharedBudgets budgets;
    private final int limit;
    private final long intervalMicros;

    CreationBudget(SharedBudgets budgets, ChatConfig config) {
        this.budgets = budgets;
        this.limit = config.conversationCreate().limit();
        this.intervalMicros = limit <= 0 ? 0 : Math.max(1, config.conversationCreate().period().toNanos() / 1000 / limit);
    }

    /** Takes one creation from the user's budget, or throws 429 with the seconds to wait (503 without Redis). */
    void take(long user) {
        if (limit <= 0) {
            return;
        }
        long waitMicros = budgets.take(key(user), intervalMicros, limit, 1)
                .onFailure().transform(e -> ApiException.unavailable("Conversation store is unavailable; try again shortly"))
                .await().indefinitely();
        if (waitMicros > 0) {
            throw ApiException.throttled((waitMicros + 999_999) / 1_000_000);
        }
    }

    static String key(long user) {
        return "chat:user:" + user + ":conversation-budget";
    }
}
