package org.chatsuite.chat.conversation;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.persistence.EntityManager;

import org.chatsuite.web.ApiException;

/**
 * Who is in which conversation. Membership never changes after creation (the API has no
 * add/remove), so it is cached in memory for the hot paths: handshakes, sends and fan-out.
 */
@ApplicationScoped
public class Membership {

    /** Bounds memory: a replica forgets its lookups when it has cached this many conversations. */
    private static final int MAX_CACHED = 100_000;

    private final EntityManager em;
    private final ConcurrentHashMap<UUID, Set<Long>> cache = new ConcurrentHashMap<>();

    Membership(EntityManager em) {
        this.em = em;
    }

    /** Parses the id and checks the caller may see it: 400 malformed, 404 unknown, 403 not a participant. */
    public UUID requireParticipant(String idParam, long user) {
        UUID id = parse(idParam).orElseThrow(() -> ApiException.badParameter("Conversation id must be a UUID"));
        Set<Long> members = of(id).orElseThrow(() -> ApiException.notFound("Conversation not found"));
        if (!members.contains(user)) {
            throw new ApiException(403, "forbidden", "You are not a participant of this conversation");
        }
        return id;
    }

    /** The participants of a conversation the caller was already checked against. */
    public Set<Long> participants(UUID id) {
        return of(id).orElseThrow(() -> ApiException.notFound("Conversation not found"));
    }

    public static Optional<UUID> parse(String id) {
        if (id == null || id.length() != 36) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The participant ids, or empty if the conversation does not exist. Blocking on a cache miss. */
    @ActivateRequestContext
    public Optional<Set<Long>> of(UUID conversationId) {
        Set<Long> cached = cache.get(conversationId);
        if (cached != null) {
            return Optional.of(cached);
        }
        @SuppressWarnings("unchecked")
        List<Number> ids = em.createNativeQuery("SELECT user_id FROM participants WHERE conversation_id = ?1")
                .setParameter(1, conversationId).getResultList();
        if (ids.isEmpty()) {
            return Optional.empty();
        }
        Set<Long> members = Set.copyOf(ids.stream().map(Number::longValue).toList());
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
        cache.put(conversationId, members);
        return Optional.of(members);
    }
}
