package com.subsets.sync.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicCheckTest {

    private static final TopicCheck.Expectation STATE = new TopicCheck.Expectation("subscriber-state",
            List.of("events", "state", "dlq"), List.of(List.of("events", "state")));

    @Test
    void everyTopicPresentAndAgreeing() {
        assertThat(TopicCheck.evaluate(STATE, Map.of("events", 12, "state", 12, "dlq", 3)).ok()).isTrue();
    }

    @Test
    void namesTheMissingTopics() {
        TopicCheck.Result result = TopicCheck.evaluate(STATE, Map.of("events", 12));
        assertThat(result.missing()).containsExactly("state", "dlq");
        assertThat(result.disagreements()).isEmpty();
    }

    @Test
    void namesBothTopicsAndTheirCountsWhenTheyDisagree() {
        TopicCheck.Result result = TopicCheck.evaluate(STATE, Map.of("events", 12, "state", 6, "dlq", 3));
        assertThat(result.missing()).isEmpty();
        assertThat(result.disagreements()).singleElement().asString()
                .startsWith("events has 12 partitions, state has 6 partitions: they must have the same count");
    }

    @Test
    void anOptionalTopicThatIsAbsentIsLeftOutOfTheComparison() {
        TopicCheck.Expectation dispatcher = new TopicCheck.Expectation("iterable-dispatcher", List.of("state", "dlq"),
                List.of(List.of("state", "events")));
        assertThat(TopicCheck.evaluate(dispatcher, Map.of("state", 6, "dlq", 1)).ok()).isTrue();
        assertThat(TopicCheck.evaluate(dispatcher, Map.of("state", 6, "dlq", 1, "events", 1)).disagreements()).hasSize(1);
    }
}
