package org.chatsuite.user.auth;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.PersistenceException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.chatsuite.user.account.NameRules;
import org.chatsuite.user.account.User;
import org.chatsuite.user.account.UserView;
import org.chatsuite.web.ApiException;
import org.chatsuite.web.ApiResponse;
import org.chatsuite.web.JsonFields;
import org.chatsuite.web.Validation;
import org.eclipse.microprofile.jwt.JsonWebToken;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.Authenticated;
import io.vertx.core.http.HttpServerRequest;

/** Registration, login, token refresh and logout. */
@Path("/api/users")
@Produces(MediaType.APPLICATION_JSON)
public class AuthResource {

    private static final String INVALID_CREDENTIALS = "Invalid email or password";

    private final PasswordHasher passwords;
    private final Sessions sessions;
    private final Revocations revocations;
    private final LoginThrottle loginThrottle;
    private final AuthCookie cookie;
    private final JsonWebToken jwt;

    AuthResource(PasswordHasher passwords, Sessions sessions, Revocations revocations, LoginThrottle loginThrottle,
            AuthCookie cookie, JsonWebToken jwt) {
        this.jwt = jwt;
        this.passwords = passwords;
        this.sessions = sessions;
        this.revocations = revocations;
        this.loginThrottle = loginThrottle;
        this.cookie = cookie;
    }

    @POST
    @Path("/register/")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response register(JsonNode body) {
        Validation validation = new Validation();
        JsonFields fields = JsonFields.of(body, validation);
        String email = CredentialRules.email(validation, fields.string("email"));
        String firstName = NameRules.check(validation, "first_name", fields.string("first_name"));
        String lastName = NameRules.check(validation, "last_name", fields.string("last_name"));
        String password = fields.string("password");
        CredentialRules.password(validation, password, fields.string("password_confirm"), email);
        validation.throwIfInvalid();

        // Hash outside the transaction: it is the slow part and needs no connection.
        String hash = passwords.hash(password);
        try {
            UserSession created = QuarkusTransaction.requiringNew().call(() -> {
                if (User.findByEmail(email) != null) {
                    throw duplicateEmail();
                }
                User user = new User();
                user.email = email;
                user.firstName = firstName;
                user.lastName = lastName;
                user.passwordHash = hash;
                user.dateJoined = Instant.now();
                user.persistAndFlush();
                return new UserSession(UserView.of(user), sessions.start(user));
            });
            return Response.status(Response.Status.CREATED)
                    .cookie(cookie.carrying(created.tokens().accessToken(), sessions.accessTokenTtl()))
                    .entity(ApiResponse.ok("User registered successfully", created.user()))
                    .build();
        } catch (PersistenceException e) {
            // Two registrations of one address raced past the check: the unique index decided.
            if (isUniqueViolation(e)) {
                throw duplicateEmail();
            }
            throw e;
        }
    }

    @POST
    @Path("/login/")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response login(JsonNode body, @Context HttpServerRequest request) {
        Validation validation = new Validation();
        JsonFields fields = JsonFields.of(body, validation);
        String email = fields.string("email");
        String password = fields.string("password");
        if (email == null || email.isBlank()) {
            validation.reject("email", "This field is required.");
        }
        if (password == null || password.isEmpty()) {
            validation.reject("password", "This field is required.");
        }
        validation.throwIfInvalid();

        // The client as the gateway saw it: X-Forwarded-For is believed from trusted proxies only.
        String clientIp = request.remoteAddress() == null ? "unknown" : request.remoteAddress().host();
        loginThrottle.admit(email, clientIp);
        User candidate = User.findByEmail(email.strip());
        boolean matches = candidate == null ? passwords.matchesNothing(password)
                : passwords.matches(password, candidate.passwordHash);
        if (!matches) {
            throw ApiException.unauthorized("invalid_credentials", INVALID_CREDENTIALS);
        }
        loginThrottle.succeeded(email, clientIp);
        UserSession session = QuarkusTransaction.requiringNew().call(() -> {
            User user = User.findById(candidate.id);
            user.lastSeen = Instant.now();
            return new UserSession(UserView.of(user), sessions.start(user));
        });
        return Response.ok(ApiResponse.ok("Login successful", session))
                .cookie(cookie.carrying(session.tokens().accessToken(), sessions.accessTokenTtl()))
                .build();
    }

    @POST
    @Path("/token/refresh/")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response refresh(JsonNode body) {
        Validation validation = new Validation();
        String refreshToken = JsonFields.of(body, validation).string("refresh_token");
        if (refreshToken == null || refreshToken.isBlank()) {
            validation.reject("refresh_token", "This field is required.");
        }
        validation.throwIfInvalid();
        Sessions.Refreshed refreshed;
        try {
            refreshed = sessions.refresh(refreshToken);
        } catch (Sessions.ReuseDetected e) {
            revocations.revokeSession(e.sessionId(), sessions.accessTokenTtl());
            throw e;
        }
        UserSession session = new UserSession(UserView.of(refreshed.user()), refreshed.tokens());
        return Response.ok(ApiResponse.ok("Token refreshed", session))
                .cookie(cookie.carrying(session.tokens().accessToken(), sessions.accessTokenTtl()))
                .build();
    }

    @POST
    @Path("/logout/")
    @Authenticated
    public Response logout() {
        revocations.revokeToken(jwt.getTokenID(), Instant.ofEpochSecond(jwt.getExpirationTime()));
        String sid = jwt.getClaim("sid");
        if (sid != null) {
            UUID session = UUID.fromString(sid);
            sessions.end(session);
            revocations.revokeSession(session, sessions.accessTokenTtl());
        }
        return Response.ok(ApiResponse.ok("Logged out successfully", null)).cookie(cookie.cleared()).build();
    }

    private static ApiException duplicateEmail() {
        return ApiException.fieldError("email", "A user with this email already exists.");
    }

    private static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** A user with the tokens of their session: the {@code data} of login and refresh. */
    @RegisterForReflection
    public record UserSession(@JsonUnwrapped UserView user, Sessions.Tokens tokens) {
    }
}
