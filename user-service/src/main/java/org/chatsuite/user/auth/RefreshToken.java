package org.chatsuite.user.auth;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * One refresh token, stored only as its SHA-256 hash. The tokens of one {@link LoginSession} form a
 * family; each refresh rotates the presented token, and presenting a rotated one again ends the session.
 */
@Entity
@Table(name = "refresh_tokens")
public class RefreshToken extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public String tokenHash;

    public UUID familyId;

    public Long userId;

    public Instant issuedAt;

    public Instant expiresAt;

    public Instant rotatedAt;
}
