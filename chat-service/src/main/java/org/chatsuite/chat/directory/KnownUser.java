package org.chatsuite.chat.directory;

import java.time.Instant;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** The last profile user-service reported for a participant. */
@Entity
@Table(name = "known_users")
public class KnownUser extends PanacheEntityBase {

    @Id
    public Long id;

    public String email;

    public String firstName;

    public String lastName;

    public String dateJoined;

    public String lastSeen;

    public Instant refreshedAt;

    public UserProfile toProfile() {
        return new UserProfile(id, email, firstName, lastName, firstName + " " + lastName, lastSeen, dateJoined);
    }
}
