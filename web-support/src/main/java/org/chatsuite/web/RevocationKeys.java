package org.chatsuite.web;

/**
 * Redis keys of revoked access tokens, shared by every service (user-service writes them, every
 * verifier reads them): one token by {@code jti}, or all tokens of a login session by {@code sid}.
 */
public final class RevocationKeys {

    private RevocationKeys() {
    }

    public static String token(String jti) {
        return "revoked:jti:" + jti;
    }

    public static String session(String sid) {
        return "revoked:sid:" + sid;
    }
}
