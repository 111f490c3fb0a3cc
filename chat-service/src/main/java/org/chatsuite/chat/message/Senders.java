package org.chatsuite.chat.message;

import org.eclipse.microprofile.jwt.JsonWebToken;

/** The sender of a message, as the access token names them (no lookup on the hot path). */
public final class Senders {

    private Senders() {
    }

    public static MessageStore.Sender of(JsonWebToken jwt) {
        String email = jwt.getClaim("email");
        String name = jwt.getClaim("name");
        return new MessageStore.Sender(Long.parseLong(jwt.getSubject()), name == null ? "" : name,
                email == null ? jwt.getName() : email);
    }
}
