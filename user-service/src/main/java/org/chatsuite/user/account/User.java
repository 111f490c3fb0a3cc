package org.chatsuite.user.account;

import java.time.Instant;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

@Entity
@Table(name = "users")
public class User extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    /** Always stored lower-case; unique case-insensitively (index on lower(email)). */
    public String email;

    public String firstName;

    public String lastName;

    public String passwordHash;

    public Instant dateJoined;

    public Instant lastSeen;

    public String fullName() {
        return firstName + " " + lastName;
    }

    public static User findByEmail(String email) {
        return find("email", email.toLowerCase(java.util.Locale.ROOT)).firstResult();
    }
}
