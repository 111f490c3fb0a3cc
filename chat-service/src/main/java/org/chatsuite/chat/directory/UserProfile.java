package org.chatsuite.chat.directory;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The user object of the API contract, as user-service returns it and as conversations show participants. */
@RegisterForReflection
public record UserProfile(long id, String email, String firstName, String lastName, String fullName, String lastSeen,
        String dateJoined) {
}
