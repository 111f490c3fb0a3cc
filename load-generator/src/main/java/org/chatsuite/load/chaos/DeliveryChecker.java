package org.chatsuite.load.chaos;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the product's delivery promises for one run, from what the clients saw and what history holds:
 * every acknowledged message is in history exactly once, and every member received every message of
 * history once, in history's order. Pure: it only compares the lists it is given.
 */
public final class DeliveryChecker {

    private DeliveryChecker() {
    }

    /** A message as history lists it. */
    public record Stored(String id, String clientId) {
    }

    /**
     * One conversation: its history (oldest first), the client ids its senders saw acknowledged, and for
     * each member the message ids its sockets received, in arrival order, repeats included.
     */
    public record Conversation(List<Stored> history, Set<String> acknowledged, Map<String, List<String>> receivedByMember) {
    }

    /** One thing that went wrong, with the message it concerns (a client id, a message id or both). */
    public record Problem(String kind, String clientId, String messageId) {
    }

    /**
     * What went wrong, counted. {@code lost}: acknowledged messages missing from history plus messages of
     * history a member never received. {@code duplicated}: extra copies of a client id in history plus
     * messages a member received more than once. {@code unknown}: received messages that history does not
     * hold (delivered, then lost by the store). {@code problems}: each of them, to place it
     * in time.
     */
    public record Result(long acknowledged, long delivered, long lostFromHistory, long missedDeliveries, long duplicatedInHistory,
            long duplicatedDeliveries, long outOfOrder, long unknown, List<Problem> problems) {

        public long lost() {
            return lostFromHistory + missedDeliveries;
        }

        public long duplicated() {
            return duplicatedInHistory + duplicatedDeliveries;
        }

        public boolean clean() {
            return lost() == 0 && duplicated() == 0 && outOfOrder == 0 && unknown == 0;
        }
    }

    public static Result check(Collection<Conversation> conversations) {
        long acknowledged = 0;
        long delivered = 0;
        long lostFromHistory = 0;
        long missed = 0;
        long duplicatedInHistory = 0;
        long duplicatedDeliveries = 0;
        long outOfOrder = 0;
        long unknown = 0;
        List<Problem> affected = new ArrayList<>();
        for (Conversation conversation : conversations) {
            Map<String, Integer> copies = new HashMap<>();
            Map<String, Integer> position = new HashMap<>();
            Map<String, String> clientIdOf = new HashMap<>();
            for (Stored stored : conversation.history()) {
                position.put(stored.id(), position.size());
                clientIdOf.put(stored.id(), stored.clientId());
                if (stored.clientId() != null && copies.merge(stored.clientId(), 1, Integer::sum) > 1) {
                    duplicatedInHistory++;
                    affected.add(new Problem("duplicated in history", stored.clientId(), stored.id()));
                }
            }
            acknowledged += conversation.acknowledged().size();
            for (String clientId : conversation.acknowledged()) {
                if (!copies.containsKey(clientId)) {
                    lostFromHistory++;
                    affected.add(new Problem("lost from history", clientId, null));
                }
            }
            for (List<String> received : conversation.receivedByMember().values()) {
                Set<String> seen = new HashSet<>();
                int furthest = -1;
                for (String id : received) {
                    Integer at = position.get(id);
                    if (at == null) {
                        unknown++;
                        affected.add(new Problem("received but not in history", null, id));
                    } else if (!seen.add(id)) {
                        duplicatedDeliveries++;
                        affected.add(new Problem("delivered twice", clientIdOf.get(id), id));
                    } else {
                        delivered++;
                        if (at < furthest) {
                            outOfOrder++;
                            affected.add(new Problem("out of order", clientIdOf.get(id), id));
                        }
                        furthest = Math.max(furthest, at);
                    }
                }
                for (Stored stored : conversation.history()) {
                    if (!seen.contains(stored.id())) {
                        missed++;
                        affected.add(new Problem("missed", stored.clientId(), stored.id()));
                    }
                }
            }
        }
        return new Result(acknowledged, delivered, lostFromHistory, missed, duplicatedInHistory, duplicatedDeliveries, outOfOrder,
                unknown, affected);
    }
}
