package org.chatsuite.web;

/**
 * Redis keys of revoked access tokens, shared by every service (user-service writes them, every
 * verifier reads them): one token by {@code jti}, or all tokens of a login session by {@code sid}.
 */
public final class RevocationKeys {

    /**
     * Pub/sub channel on which every revocation is announced as well, for verifiers that hold a token
     * beyond one request (chat-service's open sockets): {@code jti:<jti>} or {@code sid:<sid>}, published
     * after the key above is set.
     */
    public static final String CHANNEL = "revoked:events";

    private RevocationKeys() {
    }

    public static String token(String jti) {
        return "revoked:jti:" + jti;
    }

    public static String session(String sid) {
        return "revoked:sid:" + sid;
    }
}
