package org.chatsuite.chat.directory;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.chatsuite.web.ApiException;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import io.quarkus.cache.CacheKey;
import io.quarkus.cache.CacheResult;

/**
 * Who exists, according to user-service: asked through its batch endpoint with a timeout, retries,
 * a circuit breaker and a short cache. Every answer also refreshes the local profile snapshot
 * ({@link KnownUser}) that conversation listings read, so that reading never depends on user-service.
 */
@ApplicationScoped
public class UserDirectory {

    private static final Logger LOG = Logger.getLogger(UserDirectory.class);

    private final UserServiceClient client;

    UserDirectory(@RestClient UserServiceClient client) {
        this.client = client;
    }

    /**
     * The existing users among {@code ids} (sorted, distinct), keyed by id. The answer depends on the ids
     * only, so they alone are the cache key: the caller's token merely authorizes the call to user-service.
     *
     * @throws ApiException 503 when user-service cannot answer
     */
    @CacheResult(cacheName = "user-batch")
    @Timeout(2000)
    @Retry(maxRetries = 2, delay = 100, abortOn = ApiException.class)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 5000, skipOn = ApiException.class)
    public Map<Long, UserProfile> lookup(@CacheKey String sortedIds, String authorization) {
        try {
            return client.batch(sortedIds, authorization).data().stream()
                    .collect(Collectors.toMap(UserProfile::id, Function.identity()));
        } catch (jakarta.ws.rs.WebApplicationException e) {
            int status = e.getResponse().getStatus();
            if (status == 401 || status == 403) {
                throw ApiException.unauthorized("token_invalid", "user-service refused the token");
            }
            LOG.warnf("user-service answered %d to a batch lookup", status);
            throw e;
        }
    }

    /** {@link #lookup} with the failures of an unreachable user-service turned into 503. */
    public Map<Long, UserProfile> existing(Collection<Long> ids, String authorization) {
        String sortedIds = ids.stream().sorted().map(String::valueOf).collect(Collectors.joining(","));
        try {
            return lookup(sortedIds, authorization);
        } catch (ApiException e) {
            throw e;
        } catch (CircuitBreakerOpenException | TimeoutException e) {
            throw ApiException.unavailable("user-service is unavailable; try again shortly");
        } catch (RuntimeException e) {
            LOG.warnf("user-service lookup failed: %s", e.toString());
            throw ApiException.unavailable("user-service is unavailable; try again shortly");
        }
    }

    /** Stores the latest profiles for listings (an upsert: concurrent creations may remember the same users). */
    @Transactional
    public void remember(Collection<UserProfile> profiles) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        for (UserProfile p : profiles) {
            KnownUser.getEntityManager().createNativeQuery("""
                    INSERT INTO known_users (id, email, first_name, last_name, date_joined, last_seen, refreshed_at)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                    ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email, first_name = EXCLUDED.first_name,
                        last_name = EXCLUDED.last_name, date_joined = EXCLUDED.date_joined,
                        last_seen = EXCLUDED.last_seen, refreshed_at = EXCLUDED.refreshed_at
                    """)
                    .setParameter(1, p.id()).setParameter(2, p.email()).setParameter(3, p.firstName())
                    .setParameter(4, p.lastName()).setParameter(5, p.dateJoined()).setParameter(6, p.lastSeen())
                    .setParameter(7, now)
                    .executeUpdate();
        }
    }

    /** The remembered profiles of {@code ids}. */
    public Map<Long, UserProfile> remembered(Collection<Long> ids) {
        List<KnownUser> known = ids.isEmpty() ? List.of() : KnownUser.list("id in ?1", ids);
        return known.stream().collect(Collectors.toMap(k -> k.id, KnownUser::toProfile));
    }
}
