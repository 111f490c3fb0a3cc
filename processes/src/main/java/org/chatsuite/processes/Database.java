package org.chatsuite.processes;

/** Where a service finds its PostgreSQL database. */
public record Database(String jdbcUrl, String username, String password) {
}
