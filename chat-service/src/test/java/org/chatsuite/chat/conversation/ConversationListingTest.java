package org.chatsuite.chat.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.awaitility.Awaitility;
import org.chatsuite.chat.Users;
import org.chatsuite.chat.message.ChatKeys;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

@QuarkusTest
class ConversationListingTest {

    @Inject
    EntityManager em;

    @Inject
    RedisDataSource redis;

    private static JsonPath list(Users.User user, int limit, int offset) {
        return user.api().queryParam("limit", limit).queryParam("offset", offset).when().get("/api/chat/conversations/")
                .then().statusCode(200).extract().jsonPath();
    }

    private static List<String> pagedIds(Users.User user, int pageSize) {
        List<String> ids = new ArrayList<>();
        for (int offset = 0;; offset += pageSize) {
            JsonPath page = list(user, pageSize, offset);
            List<String> pageIds = page.getList("data.id");
            assertThat(page.getInt("meta.total")).isEqualTo(7);
            if (pageIds.isEmpty()) {
                return ids;
            }
            assertThat(pageIds.size()).isLessThanOrEqualTo(pageSize);
            ids.addAll(pageIds);
        }
    }

    @Test
    void pagesFollowLastActivityWhetherItIsCopiedToPostgresqlYetOrNot() {
        Users.User me = Users.create("Paula");
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            created.add(Users.conversation(me, Users.create("Other" + (char) ('a' + i))));
        }
        // Messages in the 2nd, 5th and then the 1st: most recently active first, then the newest created.
        for (int i : List.of(1, 4, 0)) {
            me.api().contentType(ContentType.JSON).body(Map.of("content", "hi " + i))
                    .when().post("/api/chat/conversations/" + created.get(i) + "/messages/").then().statusCode(201);
        }
        List<String> expected = List.of(created.get(0), created.get(4), created.get(1), created.get(6), created.get(5),
                created.get(3), created.get(2));

        assertThat(list(me, 100, 0).getList("data.id", String.class)).isEqualTo(expected);
        assertThat(pagedIds(me, 3)).isEqualTo(expected);
        // Copied to PostgreSQL in the background within about a second; the order stays the same.
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> lastMessageMillis(created.get(0)) != null);
        assertThat(pagedIds(me, 3)).isEqualTo(expected);
        assertThat(pagedIds(me, 2)).isEqualTo(expected);
    }

    @Test
    void aUserInTwoThousandConversationsGetsAPageWithoutTheRest() {
        Users.User me = Users.create("Crowded");
        long now = Instant.now().toEpochMilli();
        Map<String, String> idsByName = new HashMap<>();
        QuarkusTransaction.requiringNew().run(() -> {
            em.createNativeQuery("""
                    INSERT INTO conversations (id, name, is_group, direct_key, created_at, updated_at)
                    SELECT gen_random_uuid(), 'bulk-' || lpad(i::text, 4, '0'), true, NULL,
                           now() - i * interval '1 minute', now() - i * interval '1 minute'
                    FROM generate_series(1, 2000) AS i
                    """).executeUpdate();
            em.createNativeQuery("""
                    INSERT INTO participants (conversation_id, user_id)
                    SELECT c.id, u.id FROM conversations c CROSS JOIN (VALUES (?1), (?2)) AS u(id)
                    WHERE c.name LIKE 'bulk-%' AND NOT EXISTS (SELECT 1 FROM participants p WHERE p.conversation_id = c.id)
                    """).setParameter(1, me.id()).setParameter(2, me.id() + 1_000_000_000L).executeUpdate();
            @SuppressWarnings("unchecked")
            List<Object[]> rows = em.createNativeQuery("""
                    SELECT c.name, CAST(c.id AS text) FROM conversations c JOIN participants p ON p.conversation_id = c.id
                    WHERE p.user_id = ?1
                    """).setParameter(1, me.id()).getResultList();
            rows.forEach(row -> idsByName.put((String) row[0], (String) row[1]));
        });
        // bulk-1000 had a message half a minute ago, copied to PostgreSQL long since; bulk-1500 gets one now.
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                "UPDATE conversations SET last_message_ms = ?1 WHERE id = CAST(?2 AS uuid)")
                .setParameter(1, now - 30_000).setParameter(2, idsByName.get("bulk-1000")).executeUpdate());
        me.api().contentType(ContentType.JSON).body(Map.of("content", "bump"))
                .when().post("/api/chat/conversations/" + idsByName.get("bulk-1500") + "/messages/").then().statusCode(201);
        // bulk-1800's activity is dated a minute ahead: the copy to PostgreSQL does not reach it that soon, so only the
        // listing's read of the uncopied activity can put it first.
        var time = redis.execute("TIME");
        long aheadOfRedis = time.get(0).toLong() * 1000 + time.get(1).toLong() / 1000 + 60_000;
        redis.sortedSet(String.class).zadd(ChatKeys.ACTIVITY, aheadOfRedis, idsByName.get("bulk-1800"));

        List<String> byCreation = IntStream.rangeClosed(1, 2000).filter(i -> i != 1000 && i != 1500 && i != 1800)
                .mapToObj(i -> idsByName.get(String.format("bulk-%04d", i))).toList();
        List<String> expected = new ArrayList<>(
                List.of(idsByName.get("bulk-1800"), idsByName.get("bulk-1500"), idsByName.get("bulk-1000")));
        expected.addAll(byCreation);

        JsonPath first = list(me, 50, 0);
        assertThat(first.getInt("meta.total")).isEqualTo(2000);
        assertThat(first.getList("data.id", String.class)).isEqualTo(expected.subList(0, 50));
        assertThat(first.getList("data.display_name", String.class)).startsWith("bulk-1800", "bulk-1500", "bulk-1000", "bulk-0001");
        JsonPath last = list(me, 50, 1990);
        assertThat(last.getList("data.id", String.class)).isEqualTo(expected.subList(1990, 2000));
        assertThat(list(me, 100, 2000).getList("data.id")).isEmpty();
    }

    private Long lastMessageMillis(String conversation) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Object value = em.createNativeQuery("SELECT last_message_ms FROM conversations WHERE id = CAST(?1 AS uuid)")
                    .setParameter(1, conversation).getSingleResult();
            return value == null ? null : ((Number) value).longValue();
        });
    }
}
