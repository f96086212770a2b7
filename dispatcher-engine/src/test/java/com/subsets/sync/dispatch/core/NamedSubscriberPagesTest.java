package com.subsets.sync.dispatch.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class NamedSubscriberPagesTest {

    @Test
    void pagesFollowEachOtherUntilEveryKeyTheReplayNamesIsIn() {
        NamedSubscriberPages pages = new NamedSubscriberPages(5);

        assertThat(pages.take(List.of("a", "b"), "b")).isEqualTo("b");
        assertThat(pages.take(List.of("c", "d"), "d")).isEqualTo("d");
        assertThat(pages.take(List.of("e"), null)).isNull();
        assertThat(pages.keys()).containsExactlyInAnyOrder("a", "b", "c", "d", "e");
    }

    @Test
    void aFullLastPageIsFollowedByAnEmptyOne() {
        NamedSubscriberPages pages = new NamedSubscriberPages(2);
        assertThat(pages.take(List.of("a", "b"), "b")).isEqualTo("b");
        assertThat(pages.take(List.of(), null)).isNull();
        assertThat(pages.keys()).hasSize(2);
    }

    @Test
    void aPageThatRepeatsAKeyFailsRatherThanLoop() {
        NamedSubscriberPages pages = new NamedSubscriberPages(4);
        pages.take(List.of("a", "b"), "b");
        assertThatThrownBy(() -> pages.take(List.of("b", "c"), "c")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("repeat");
        assertThatThrownBy(() -> new NamedSubscriberPages(3).take(List.of(), "x")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("empty page");
    }

    @Test
    void neverMoreNorFewerKeysThanTheReplayNames() {
        assertThatThrownBy(() -> new NamedSubscriberPages(1).take(List.of("a", "b"), "b"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("more subscribers (2) than the replay does (1)");
        NamedSubscriberPages short_ = new NamedSubscriberPages(3);
        short_.take(List.of("a"), "a");
        assertThatThrownBy(() -> short_.take(List.of("b"), null)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("name 2 subscribers; the replay names 3");
    }
}
