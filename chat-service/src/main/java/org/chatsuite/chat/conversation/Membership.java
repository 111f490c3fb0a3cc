package org.chatsuite.chat.conversation;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.persistence.EntityManager;

import org.chatsuite.web.ApiException;

import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheName;
import io.quarkus.cache.CaffeineCache;

/**
 * Who is in which conversation. Membership never changes after creation (the API has no
 * add/remove, and conversations are never deleted), so the participants of a conversation are cached
 * for the hot paths: handshakes, sends and fan-out. Only found conversations are cached: an unknown id
 * may be a conversation that another replica is creating right now. The cache's size and idle expiry
 * (application.properties, {@code conversation-members}) only bound memory; no entry can go stale.
 */
@ApplicationScoped
public class Membership {

    private final EntityManager em;
    private final CaffeineCache cache;

    Membership(EntityManager em, @CacheName("conversation-members") Cache cache) {
        this.em = em;
        this.cache = cache.as(CaffeineCache.class);
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
        CompletableFuture<Set<Long>> cached = cache.getIfPresent(conversationId);
        if (cached != null) {
            return Optional.of(cached.join()); // completed: only known answers are put
        }
        @SuppressWarnings("unchecked")
        List<Number> ids = em.createNativeQuery("SELECT user_id FROM participants WHERE conversation_id = ?1")
                .setParameter(1, conversationId).getResultList();
        if (ids.isEmpty()) {
            return Optional.empty();
        }
        Set<Long> members = Set.copyOf(ids.stream().map(Number::longValue).toList());
        cache.put(conversationId, CompletableFuture.completedFuture(members));
        return Optional.of(members);
    }
}
