package org.chatsuite.processes;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Each service owns its PostgreSQL database: the local suite and the tests create them on first use. */
public final class Databases {

    private Databases() {
    }

    /** Creates {@code database} through {@code admin} (a connection to another database) unless it exists. */
    public static void createIfMissing(Connection admin, String database) throws SQLException {
        // CREATE DATABASE takes no bind parameter: the name must be a plain identifier.
        if (!database.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("unsafe database name: " + database);
        }
        try (PreparedStatement exists = admin.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, database);
            try (ResultSet row = exists.executeQuery()) {
                if (row.next()) {
                    return;
                }
            }
        }
        try (Statement create = admin.createStatement()) {
            create.execute("CREATE DATABASE " + database);
        }
    }
}
