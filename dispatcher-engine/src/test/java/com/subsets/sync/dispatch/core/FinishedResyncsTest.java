package com.subsets.sync.dispatch.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FinishedResyncsTest {

    @Test
    void aResyncThatEndedHereIsKnownAsEndedAndOnlyTheNewestAreKept() {
        FinishedResyncs finished = new FinishedResyncs(3);
        finished.end(7);
        assertThat(finished.has(7)).as("an older directory answer still listing 7 does not start it").isTrue();
        assertThat(finished.has(8)).isFalse();

        finished.end(8);
        finished.end(9);
        finished.end(10);

        assertThat(finished.has(7)).as("the oldest forgotten past the bound").isFalse();
        assertThat(finished.has(10)).isTrue();
    }
}
