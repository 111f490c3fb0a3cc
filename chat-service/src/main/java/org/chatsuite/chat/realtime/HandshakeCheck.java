package org.chatsuite.chat.realtime;

import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.chatsuite.chat.conversation.Membership;
import org.chatsuite.chat.redis.RedisProbe;
import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.quarkus.websockets.next.UserData.TypedKey;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Refuses a chat socket before it opens: 401 without a valid token, 404 for an unknown
 * conversation, 403 for a non-participant. The caller and the participants are handed to the
 * socket, so that opening it needs no further lookup.
 */
@ApplicationScoped
public class HandshakeCheck implements HttpUpgradeCheck {

    static final TypedKey<Accepted> ACCEPTED = new TypedKey<>("chat.accepted");

    /** What the handshake established, for the socket it opens. */
    record Accepted(SocketIdentity identity, UUID conversation, Set<Long> participants) {
    }

    private final Membership membership;
    private final RedisProbe redis;

    HandshakeCheck(Membership membership, RedisProbe redis) {
        this.membership = membership;
        this.redis = redis;
    }

    @Override
    public boolean appliesTo(String endpointId) {
        return ChatSocket.ID.equals(endpointId);
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        if (redis.failure() != null) {
            // Not ready: a socket opened now could neither store nor receive messages. 503 tells the
            // gateway to open it on another replica (a handshake has no side effects to repeat).
            return CheckResult.rejectUpgrade(503);
        }
        // An invalid token fails the identity, and the HTTP layer answers 401 on its own.
        return context.securityIdentity()
                .chain(identity -> {
                    if (identity == null || identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
                        return CheckResult.rejectUpgrade(401);
                    }
                    UUID conversation = Membership.parse(context.pathParam("conversationId")).orElse(null);
                    if (conversation == null) {
                        return CheckResult.rejectUpgrade(404);
                    }
                    long user = Long.parseLong(jwt.getSubject());
                    // The membership cache may need the database: never on the event loop.
                    return Uni.createFrom().item(() -> membership.of(conversation))
                            .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                            .chain(members -> {
                                if (members.isEmpty()) {
                                    return CheckResult.rejectUpgrade(404);
                                }
                                if (!members.get().contains(user)) {
                                    return CheckResult.rejectUpgrade(403);
                                }
                                context.userData().put(ACCEPTED,
                                        new Accepted(SocketIdentity.of(jwt), conversation, members.get()));
                                return CheckResult.permitUpgrade();
                            });
                });
    }
}
