package org.chatsuite.chat.conversation;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

@Entity
@Table(name = "conversations")
public class Conversation extends PanacheEntityBase {

    @Id
    public UUID id;

    public String name;

    public boolean isGroup;

    /** "minId:maxId" for a 1-on-1, null for groups (unique). */
    public String directKey;

    public Instant createdAt;

    public Instant updatedAt;

    public static String directKey(long a, long b) {
        return Math.min(a, b) + ":" + Math.max(a, b);
    }
}
