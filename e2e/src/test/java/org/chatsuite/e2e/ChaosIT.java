package org.chatsuite.e2e;

import java.util.HashMap;
import java.util.Map;

import org.assertj.core.api.SoftAssertions;
import org.chatsuite.load.chaos.ChaosScenario;
import org.chatsuite.load.chaos.DeliveryChecker;
import org.junit.jupiter.api.Test;

/**
 * A short run of the load generator's chaos scenario (BENCHMARKS.md, "Chaos"), so that every build keeps
 * its promises: group conversations of resuming clients sending through the gateway while a chat-service
 * replica, the gateway and Redis are SIGKILLed in turn, and afterwards every acknowledged message in
 * history exactly once and every member holding every message once, in history's order. The scenario
 * starts its own suite (two replicas, user-service, gateway, a Redis with an append-only file) on free
 * ports and stops all of it, also when it fails. The full run is {@code --mode chaos} of the load
 * generator.
 */
class ChaosIT {

    /**
     * A fifth of the full run's members and rate, and a kill every 6 s. Waits are bounded by conditions, not
     * by time: the drain ends as soon as everything is acknowledged and no frame has arrived for 2 s, and may
     * take up to 60 s on a loaded machine before what is still missing counts as lost.
     */
    private static final Map<String, String> SHORT_RUN = Map.of("conversations", "20", "members", "5", "rate", "100",
            "duration", "24", "kill-replica-at", "6", "kill-gateway-at", "12", "kill-redis-at", "18", "redis-down", "2",
            "drain", "60");

    @Test
    void noMessageIsLostDuplicatedOrReorderedWhenAReplicaTheGatewayAndRedisAreKilled() throws Exception {
        Map<String, String> options = new HashMap<>(ChaosScenario.DEFAULTS);
        options.putAll(SHORT_RUN);

        ChaosScenario.Result result = new ChaosScenario(options).execute();
        result.print(System.out);

        DeliveryChecker.Result delivery = result.delivery();
        SoftAssertions softly = new SoftAssertions();
        for (ChaosScenario.Kill kill : result.kills()) {
            softly.assertThat(kill.completed()).as("the %s was killed (and restarted, but for the replica)", kill.name()).isTrue();
        }
        softly.assertThat(delivery.lost()).as("lost (%s)", delivery.problems().stream().limit(5).toList()).isZero();
        softly.assertThat(delivery.duplicated()).as("duplicated").isZero();
        softly.assertThat(delivery.outOfOrder()).as("out of order").isZero();
        softly.assertThat(delivery.unknown()).as("received but not in history").isZero();
        softly.assertThat(result.unacknowledged()).as("unacknowledged after the drain").isZero();
        softly.assertThat(delivery.acknowledged()).as("acknowledged").isEqualTo(result.sent());
        // Each replica held some of the sockets, and the replica's kill closed exactly those it held: the
        // survivor's stayed open (a socket closing for any other reason before the gateway's kill counts too).
        softly.assertThat(result.victimSockets()).as("sockets on the killed replica").isPositive();
        softly.assertThat(result.survivorSockets()).as("sockets on the surviving replica").isPositive();
        softly.assertThat(result.victimSockets() + result.survivorSockets()).as("sockets on both replicas").isEqualTo(result.members());
        softly.assertThat(result.kill("chat-service replica").closedBeforeNextKill()).as("sockets closed by the replica's kill")
                .isEqualTo(result.victimSockets());
        softly.assertThat(result.openAfterDrain()).as("sockets open after the drain").isEqualTo(result.members());
        softly.assertAll();
    }
}
