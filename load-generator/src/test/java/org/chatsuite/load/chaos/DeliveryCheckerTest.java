package org.chatsuite.load.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.chatsuite.load.chaos.DeliveryChecker.Conversation;
import org.chatsuite.load.chaos.DeliveryChecker.Problem;
import org.chatsuite.load.chaos.DeliveryChecker.Result;
import org.chatsuite.load.chaos.DeliveryChecker.Stored;
import org.junit.jupiter.api.Test;

class DeliveryCheckerTest {

    private static final List<Stored> HISTORY = List.of(new Stored("1-0", "a"), new Stored("2-0", "b"), new Stored("3-0", "c"));
    private static final List<String> IN_ORDER = List.of("1-0", "2-0", "3-0");

    @Test
    void everyMessageOnceInOrderIsClean() {
        Result result = check(HISTORY, Set.of("a", "b", "c"), Map.of("ada", IN_ORDER, "bob", IN_ORDER));

        assertThat(result.clean()).isTrue();
        assertThat(result.acknowledged()).isEqualTo(3);
        assertThat(result.delivered()).isEqualTo(6);
    }

    @Test
    void anAcknowledgedMessageMissingFromHistoryIsLost() {
        Result result = check(HISTORY, Set.of("a", "b", "c", "d"), Map.of("ada", IN_ORDER));

        assertThat(result.lostFromHistory()).isEqualTo(1);
        assertThat(result.lost()).isEqualTo(1);
        assertThat(result.problems()).containsExactly(new Problem("lost from history", "d", null));
        assertThat(result.clean()).isFalse();
    }

    @Test
    void aMessageAMemberNeverReceivedIsLost() {
        Result result = check(HISTORY, Set.of("a", "b", "c"), Map.of("ada", IN_ORDER, "bob", List.of("1-0", "3-0")));

        assertThat(result.missedDeliveries()).isEqualTo(1);
        assertThat(result.lost()).isEqualTo(1);
        assertThat(result.delivered()).isEqualTo(5);
        assertThat(result.problems()).containsExactly(new Problem("missed", "b", "2-0"));
    }

    @Test
    void aClientIdStoredTwiceAndAMessageReceivedTwiceAreDuplicates() {
        List<Stored> storedTwice = List.of(new Stored("1-0", "a"), new Stored("2-0", "a"));

        Result result = check(storedTwice, Set.of("a"), Map.of("ada", List.of("1-0", "2-0", "2-0")));

        assertThat(result.duplicatedInHistory()).isEqualTo(1);
        assertThat(result.duplicatedDeliveries()).isEqualTo(1);
        assertThat(result.duplicated()).isEqualTo(2);
        assertThat(result.lost()).isZero();
    }

    @Test
    void aMessageReceivedAfterALaterOneIsOutOfOrder() {
        Result result = check(HISTORY, Set.of("a", "b", "c"), Map.of("ada", List.of("1-0", "3-0", "2-0")));

        assertThat(result.outOfOrder()).isEqualTo(1);
        assertThat(result.problems()).containsExactly(new Problem("out of order", "b", "2-0"));
        assertThat(result.lost()).isZero();
        assertThat(result.clean()).isFalse();
    }

    @Test
    void aReceivedMessageThatHistoryDoesNotHoldIsReported() {
        Result result = check(HISTORY, Set.of("a", "b", "c"), Map.of("ada", List.of("1-0", "2-0", "3-0", "4-0")));

        assertThat(result.unknown()).isEqualTo(1);
        assertThat(result.clean()).isFalse();
    }

    @Test
    void conversationsAreCheckedSeparately() {
        Conversation clean = new Conversation(HISTORY, Set.of("a", "b", "c"), Map.of("ada", IN_ORDER));
        Conversation lossy = new Conversation(List.of(new Stored("5-0", "x")), Set.of("x", "y"), Map.of("cy", List.of("5-0")));

        Result result = DeliveryChecker.check(List.of(clean, lossy));

        assertThat(result.acknowledged()).isEqualTo(5);
        assertThat(result.delivered()).isEqualTo(4);
        assertThat(result.lost()).isEqualTo(1);
        assertThat(result.problems()).containsExactly(new Problem("lost from history", "y", null));
    }

    private static Result check(List<Stored> history, Set<String> acknowledged, Map<String, List<String>> received) {
        return DeliveryChecker.check(List.of(new Conversation(history, acknowledged, received)));
    }
}
