package org.chatsuite.web;

import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;

/**
 * Puts {@link VerifiedTokens} in front of SmallRye JWT's parser wherever it is used: Quarkus' bearer
 * authentication in the services, the gateway's edge check, chat-service's socket re-authentication.
 * Only {@code parse(token)}, the verification with the configured keys and claims, is cached; the
 * other methods verify with keys the caller gives, and pass through.
 */
@Decorator
@Priority(10)
abstract class CachingJwtParser implements JWTParser {

    @Inject
    @Delegate
    @Any
    JWTParser parser;

    @Inject
    VerifiedTokens verified;

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        return verified.verify(token, parser::parse);
    }
}
