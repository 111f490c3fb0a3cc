package org.chatsuite.user.auth;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * One login: the family of its refresh tokens, and the {@code sid} claim of its access tokens. Its row
 * is the lock that refresh and logout take first, so that they happen one after the other.
 */
@Entity
@Table(name = "login_sessions")
public class LoginSession extends PanacheEntityBase {

    @Id
    public UUID id;

    public Long userId;

    public Instant startedAt;

    /** Set by logout or by a reused refresh token: no refresh token of the session works any more. */
    public Instant endedAt;
}
