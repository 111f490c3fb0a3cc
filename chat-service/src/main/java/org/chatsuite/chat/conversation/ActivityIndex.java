package org.chatsuite.chat.conversation;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;

import org.chatsuite.chat.message.ChatKeys;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.sortedset.ReactiveSortedSetCommands;
import io.quarkus.redis.datasource.sortedset.ScoreRange;
import io.quarkus.redis.datasource.sortedset.ScoredValue;
import io.quarkus.redis.datasource.sortedset.ZRangeArgs;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

/**
 * The time of each conversation's last message, for ordering a user's conversations in SQL.
 * <p>
 * The append script records it in Redis only ({@link ChatKeys#ACTIVITY}, one sorted set for all
 * conversations): sending stays free of PostgreSQL. Every replica copies what is new there into
 * {@code conversations.last_message_ms} every second and then moves a watermark in Redis: every
 * activity at or below it is in PostgreSQL. What lies above it (the last second or so) is
 * {@link #unsynced() read from Redis} by each listing and taken into its ORDER BY, so the order is
 * exact the moment a message is stored, while a listing reads neither all of a user's conversations
 * nor all of Redis: only the activity since the watermark, at most {@value #MAX_UNSYNCED} entries.
 * <p>
 * Replicas copying at once is harmless: the copy keeps the larger time, and each replica moves the
 * watermark only to a point its own copy covered (one that moves it back only causes work again).
 */
@ApplicationScoped
public class ActivityIndex {

    /** The watermark (ms): every activity at or below it has been copied to PostgreSQL. */
    private static final String SYNCED = ChatKeys.ACTIVITY + ":synced-ms";
    private static final Logger LOG = Logger.getLogger(ActivityIndex.class);
    private static final Duration SYNC_EVERY = Duration.ofSeconds(1);
    /** Activities copied per statement; a long backlog (a first start on old data) takes several. */
    private static final int BATCH = 1_000;
    /**
     * Bounds a listing's read of recent activity. Only a copy that has stalled (PostgreSQL down) leaves
     * more above the watermark; the newest are read, so the top of every list stays exact.
     */
    private static final int MAX_UNSYNCED = 5_000;

    private final EntityManager em;
    private final ReactiveSortedSetCommands<String, String> activity;
    private final ReactiveValueCommands<String, Long> watermark;
    private final ReactiveRedisDataSource redis;
    private final Vertx vertx;
    private final Duration redisTimeout;
    private final AtomicBoolean syncing = new AtomicBoolean();
    private long timer = -1;

    ActivityIndex(EntityManager em, ReactiveRedisDataSource redis, Vertx vertx,
            @ConfigProperty(name = "quarkus.redis.timeout") Duration redisTimeout) {
        this.em = em;
        this.redis = redis;
        this.activity = redis.sortedSet(String.class);
        this.watermark = redis.value(Long.class);
        this.vertx = vertx;
        this.redisTimeout = redisTimeout;
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(SYNC_EVERY.toMillis(), id -> {
            if (syncing.compareAndSet(false, true)) {
                vertx.executeBlocking(() -> {
                    try {
                        sync();
                    } catch (RuntimeException e) {
                        LOG.warnf("could not copy conversation activity from Redis to PostgreSQL: %s", e.toString());
                    } finally {
                        syncing.set(false);
                    }
                    return null;
                }, false);
            }
        });
    }

    void stop(@Observes ShutdownEvent event) {
        vertx.cancelTimer(timer);
    }

    /** Copies the activity above the watermark to PostgreSQL and moves the watermark; the whole backlog. */
    private void sync() {
        while (true) {
            long from = syncedUpTo();
            // Scores are the ids' times, which Redis takes from its clock when the script runs: nothing
            // at or below the millisecond before "now" can still be added (a batch may end earlier).
            long upTo = redisMillis() - 1;
            List<ScoredValue<String>> batch = activity.zrangebyscoreWithScores(ChatKeys.ACTIVITY,
                    new ScoreRange<>((double) from, false, (double) upTo, true), new ZRangeArgs().limit(0, BATCH))
                    .await().atMost(redisTimeout);
            if (!batch.isEmpty()) {
                copy(batch);
            }
            boolean full = batch.size() == BATCH;
            long covered = upTo;
            if (full) {
                // The batch may have cut a millisecond in two: read that one again, unless the whole batch is that
                // millisecond (then the rest of it is skipped rather than read forever).
                long last = (long) batch.get(BATCH - 1).score();
                covered = last - 1 > from ? last - 1 : last;
            }
            if (covered > from) {
                watermark.set(SYNCED, covered).await().atMost(redisTimeout);
            }
            if (!full) {
                return;
            }
        }
    }

    private void copy(List<ScoredValue<String>> batch) {
        String ids = batch.stream().map(ScoredValue::value).collect(Collectors.joining(","));
        String times = batch.stream().map(v -> String.valueOf((long) v.score())).collect(Collectors.joining(","));
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("""
                UPDATE conversations c SET last_message_ms = a.ms
                FROM unnest(CAST(string_to_array(?1, ',') AS uuid[]), CAST(string_to_array(?2, ',') AS bigint[])) AS a(id, ms)
                WHERE c.id = a.id AND (c.last_message_ms IS NULL OR c.last_message_ms < a.ms)
                """).setParameter(1, ids).setParameter(2, times).executeUpdate());
    }

    /** Activity (ms) above the watermark: what PostgreSQL may not have yet; the newest {@value #MAX_UNSYNCED} of it. */
    Map<UUID, Long> unsynced() {
        ScoreRange<Double> aboveWatermark = new ScoreRange<>((double) syncedUpTo(), false, Double.MAX_VALUE, true);
        long count = activity.zcount(ChatKeys.ACTIVITY, aboveWatermark).await().atMost(redisTimeout);
        if (count == 0) {
            return Map.of();
        }
        List<ScoredValue<String>> recent = activity.zrangebyscoreWithScores(ChatKeys.ACTIVITY, aboveWatermark,
                new ZRangeArgs().limit(Math.max(0, count - MAX_UNSYNCED), MAX_UNSYNCED))
                .await().atMost(redisTimeout);
        Map<UUID, Long> result = new HashMap<>();
        for (ScoredValue<String> entry : recent) {
            result.put(UUID.fromString(entry.value()), (long) entry.score());
        }
        return result;
    }

    private long syncedUpTo() {
        Long synced = watermark.get(SYNCED).await().atMost(redisTimeout);
        return synced == null ? 0 : synced;
    }

    private long redisMillis() {
        var time = redis.execute("TIME").await().atMost(redisTimeout);
        return time.get(0).toLong() * 1000 + time.get(1).toLong() / 1000;
    }
}
