package org.chatsuite.user.account;

import org.chatsuite.web.Timestamps;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The user object of the API contract. */
@RegisterForReflection
public record UserView(long id, String email, String firstName, String lastName, String fullName, String lastSeen,
        String dateJoined) {

    public static UserView of(User user) {
        return new UserView(user.id, user.email, user.firstName, user.lastName, user.fullName(),
                Timestamps.iso(user.lastSeen), Timestamps.iso(user.dateJoined));
    }
}
