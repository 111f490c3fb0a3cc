package org.chatsuite.chat.conversation;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import org.chatsuite.chat.directory.UserDirectory;
import org.chatsuite.chat.directory.UserProfile;
import org.chatsuite.chat.message.MessageStore;
import org.chatsuite.web.ApiException;
import org.chatsuite.web.Timestamps;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.mutiny.Uni;

/** Creating, listing and showing conversations. */
@ApplicationScoped
public class ConversationService {

    public static final int MAX_PARTICIPANTS = 256;

    private final EntityManager em;
    private final UserDirectory directory;
    private final MessageStore messages;
    private final CreationBudget budget;
    private final ActivityIndex activity;
    private final Duration redisTimeout;

    ConversationService(EntityManager em, UserDirectory directory, MessageStore messages, CreationBudget budget,
            ActivityIndex activity, @ConfigProperty(name = "quarkus.redis.timeout") Duration redisTimeout) {
        this.em = em;
        this.directory = directory;
        this.messages = messages;
        this.budget = budget;
        this.activity = activity;
        this.redisTimeout = redisTimeout;
    }

    /** A created or found conversation; {@code created} is false for an existing 1-on-1. */
    public record Outcome(ConversationView conversation, boolean created) {
    }

    public Outcome create(long caller, List<Long> requestedIds, String name, String authorization) {
        Set<Long> ids = new LinkedHashSet<>();
        Set<Long> duplicates = new TreeSet<>();
        for (Long id : requestedIds) {
            if (!ids.add(id)) {
                duplicates.add(id);
            }
        }
        if (!duplicates.isEmpty()) {
            throw ApiException.fieldError("participant_ids", "Duplicate user ids: " + join(duplicates) + ".");
        }
        ids.add(caller);
        if (ids.size() < 2) {
            throw ApiException.fieldError("participant_ids", "A conversation needs at least 2 distinct participants.");
        }
        if (ids.size() > MAX_PARTICIPANTS) {
            throw ApiException.fieldError("participant_ids", "A conversation has at most " + MAX_PARTICIPANTS + " participants.");
        }
        Map<Long, UserProfile> existing = directory.existing(ids, authorization);
        Set<Long> unknown = new TreeSet<>(ids);
        unknown.removeAll(existing.keySet());
        if (!unknown.isEmpty()) {
            throw ApiException.fieldError("participant_ids", "Unknown user ids: " + join(unknown) + ".");
        }
        directory.remember(existing.values());

        boolean direct = ids.size() == 2;
        String directKey = direct ? directKey(ids) : null;
        if (direct) {
            // Finding the pair's conversation creates nothing, so it costs no budget.
            List<Conversation> found = Conversation.list("directKey", directKey);
            if (!found.isEmpty()) {
                return new Outcome(views(found, caller).get(0), false);
            }
        }
        // Two first requests for one pair at once may both pay, though one of them finds the other's.
        budget.take(caller);
        UUID newId = UUID.randomUUID();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        UUID id = QuarkusTransaction.requiringNew().call(() -> {
            int inserted = em.createNativeQuery("""
                    INSERT INTO conversations (id, name, is_group, direct_key, created_at, updated_at)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?5) ON CONFLICT (direct_key) DO NOTHING
                    """)
                    .setParameter(1, newId).setParameter(2, name).setParameter(3, !direct)
                    .setParameter(4, directKey).setParameter(5, now)
                    .executeUpdate();
            if (inserted == 0) {
                // The pair already has its conversation (perhaps created a moment ago by a concurrent request).
                return em.createQuery("select c.id from Conversation c where c.directKey = ?1", UUID.class)
                        .setParameter(1, directKey).getSingleResult();
            }
            for (Long participant : ids) {
                em.createNativeQuery("INSERT INTO participants (conversation_id, user_id) VALUES (?1, ?2)")
                        .setParameter(1, newId).setParameter(2, participant).executeUpdate();
            }
            return newId;
        });
        Conversation conversation = Conversation.findById(id);
        return new Outcome(views(List.of(conversation), caller).get(0), id.equals(newId));
    }

    /**
     * The caller's conversations, most recently active first (creation counts as activity), paged in
     * SQL: PostgreSQL orders the caller's rows and returns only the page, so neither the ids of all
     * of them nor their activity are loaded here. The time of the last message is
     * {@code conversations.last_message_ms}, except for activity so recent that {@link ActivityIndex}
     * has not copied it yet, which is passed in from Redis (bounded, see there) and takes precedence.
     * Ties (the same millisecond) go by id.
     */
    public Page list(long caller, int limit, int offset) {
        Map<UUID, Long> recent = activity.unsynced();
        @SuppressWarnings("unchecked")
        List<UUID> pageIds = em.createNativeQuery("""
                SELECT c.id FROM participants p JOIN conversations c ON c.id = p.conversation_id
                LEFT JOIN unnest(CAST(string_to_array(?2, ',') AS uuid[]), CAST(string_to_array(?3, ',') AS bigint[]))
                    AS recent(id, ms) ON recent.id = c.id
                WHERE p.user_id = ?1
                ORDER BY GREATEST(FLOOR(EXTRACT(EPOCH FROM c.created_at) * 1000), c.last_message_ms, recent.ms) DESC, c.id
                LIMIT ?4 OFFSET ?5
                """, UUID.class)
                .setParameter(1, caller)
                .setParameter(2, recent.keySet().stream().map(UUID::toString).collect(Collectors.joining(",")))
                .setParameter(3, recent.values().stream().map(String::valueOf).collect(Collectors.joining(",")))
                .setParameter(4, limit).setParameter(5, offset)
                .getResultList();
        long total = ((Number) em.createNativeQuery("SELECT count(*) FROM participants WHERE user_id = ?1")
                .setParameter(1, caller).getSingleResult()).longValue();
        if (pageIds.isEmpty()) {
            return new Page(List.of(), total);
        }
        Map<UUID, Conversation> loaded = Conversation.<Conversation>list("id in ?1", pageIds).stream()
                .collect(Collectors.toMap(c -> c.id, c -> c));
        return new Page(views(pageIds.stream().map(loaded::get).toList(), caller), total);
    }

    public record Page(List<ConversationView> conversations, long total) {
    }

    public ConversationView get(UUID id, long caller) {
        Conversation conversation = Conversation.findById(id);
        if (conversation == null) {
            throw ApiException.notFound("Conversation not found");
        }
        return views(List.of(conversation), caller).get(0);
    }

    private List<ConversationView> views(List<Conversation> conversations, long viewer) {
        if (conversations.isEmpty()) {
            return List.of();
        }
        List<UUID> ids = conversations.stream().map(c -> c.id).toList();
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery(
                "SELECT conversation_id, user_id FROM participants WHERE conversation_id IN (?1) ORDER BY user_id")
                .setParameter(1, ids).getResultList();
        Map<UUID, List<Long>> members = new HashMap<>();
        for (Object[] row : rows) {
            members.computeIfAbsent((UUID) row[0], k -> new ArrayList<>()).add(((Number) row[1]).longValue());
        }
        Map<Long, UserProfile> profiles = directory.remembered(
                members.values().stream().flatMap(List::stream).collect(Collectors.toSet()));

        List<Uni<ConversationView>> views = new ArrayList<>();
        for (Conversation c : conversations) {
            List<UserProfile> participants = members.getOrDefault(c.id, List.of()).stream()
                    .map(uid -> profiles.getOrDefault(uid, unknownUser(uid))).toList();
            views.add(Uni.combine().all()
                    .unis(messages.count(c.id), messages.unread(c.id, viewer), messages.last(c.id))
                    .with((count, unread, last) -> new ConversationView(c.id, c.name,
                            ConversationView.displayName(c.name, c.isGroup, participants, viewer), c.isGroup,
                            participants, Timestamps.iso(c.createdAt), Timestamps.iso(c.updatedAt), count, unread,
                            last.orElse(null))));
        }
        return Uni.join().all(views).andFailFast().await().atMost(redisTimeout);
    }

    private static UserProfile unknownUser(long id) {
        return new UserProfile(id, "", "Unknown", "user", "Unknown user", null, null);
    }

    private static String directKey(Set<Long> pair) {
        Long[] two = pair.toArray(Long[]::new);
        return Conversation.directKey(two[0], two[1]);
    }

    private static String join(Set<Long> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }

}
