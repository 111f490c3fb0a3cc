package org.chatsuite.chat.realtime;

import java.time.Instant;

import org.chatsuite.chat.message.MessageStore;
import org.chatsuite.chat.message.Senders;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Who a socket belongs to, and by which access token: the user (as messages name them), the token's
 * login session ({@code sid}), its id ({@code jti}) and its expiry. A socket has one at a time; a
 * re-authentication replaces it with the new token's.
 */
record SocketIdentity(MessageStore.Sender user, String sid, String jti, Instant expiresAt) {

    static SocketIdentity of(JsonWebToken jwt) {
        return new SocketIdentity(Senders.of(jwt), jwt.getClaim("sid"), jwt.getTokenID(),
                Instant.ofEpochSecond(jwt.getExpirationTime()));
    }

    long userId() {
        return user.id();
    }
}
