package org.chatsuite.chat.conversation;

import java.util.List;
import java.util.UUID;

import org.chatsuite.chat.directory.UserProfile;
import org.chatsuite.chat.message.MessageView;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The conversation object of the API contract. */
@RegisterForReflection
public record ConversationView(UUID id, String name, String displayName, boolean isGroup, List<UserProfile> participants,
        String createdAt, String updatedAt, long messageCount, long unreadCount, MessageView lastMessage) {

    /**
     * The name if set; for a 1-on-1 the other participant's full name; else the first names of up
     * to three other participants.
     */
    static String displayName(String name, boolean isGroup, List<UserProfile> participants, long viewer) {
        if (name != null && !name.isBlank()) {
            return name;
        }
        List<UserProfile> others = participants.stream().filter(p -> p.id() != viewer).toList();
        if (!isGroup && others.size() == 1) {
            return "Chat with " + others.get(0).fullName();
        }
        List<String> firstNames = others.stream().limit(3).map(UserProfile::firstName).toList();
        String joined = String.join(", ", firstNames);
        return others.size() > 3 ? joined + " and " + (others.size() - 3) + " more" : joined;
    }
}
