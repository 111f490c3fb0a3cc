package org.chatsuite.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;

import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.redis.client.impl.types.ErrorType;

class OutagesTest {

    @Test
    void unreachableBusyAndSilentRedisAreOutages() {
        assertThat(Outages.isOutage(new CompletionException(new ConnectException("Connection refused")))).isTrue();
        assertThat(Outages.isOutage(new ConnectionPoolTooBusyException("Connection pool reached max wait queue size of 1024")))
                .isTrue();
        assertThat(Outages.isOutage(new io.smallrye.mutiny.TimeoutException())).isTrue();
        assertThat(Outages.isOutage(new RuntimeException(new java.util.concurrent.TimeoutException()))).isTrue();
        assertThat(Outages.isOutage(ErrorType.create("LOADING Redis is loading the dataset in memory"))).isTrue();
        assertThat(Outages.isOutage(ErrorType.create("CONNECTION_CLOSED"))).isTrue();
        assertThat(Outages.isOutage(new RuntimeException(new java.net.SocketException("Connection reset")))).isTrue();
    }

    @Test
    void unreachableAndSilentDatabasesAreOutages() {
        assertThat(Outages.isOutage(new RuntimeException(new java.sql.SQLException("canceling statement due to statement timeout",
                "57014")))).isTrue();
        assertThat(Outages.isOutage(new java.sql.SQLException("Connection refused", "08001"))).isTrue();
        assertThat(Outages.isOutage(new java.sql.SQLException("Sorry, acquisition timeout!"))).isTrue();
        assertThat(Outages.isOutage(new java.sql.SQLException("duplicate key value violates unique constraint", "23505")))
                .isFalse();
    }

    @Test
    void bugsAreNotOutages() {
        assertThat(Outages.isOutage(new IllegalStateException("a bug"))).isFalse();
        assertThat(Outages.isOutage(ErrorType.create("WRONGTYPE Operation against a key holding the wrong kind of value")))
                .isFalse();
        assertThat(Outages.isOutage(null)).isFalse();
    }
}
