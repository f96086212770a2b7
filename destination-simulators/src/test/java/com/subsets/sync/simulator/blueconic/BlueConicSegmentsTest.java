package com.subsets.sync.simulator.blueconic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Paging a segment's members by cursor: each member once, in order, and the last page says it is the last. */
class BlueConicSegmentsTest {

    @Test
    void pagesServeEveryMemberOnceAndOnlyTheLastHasNoCursor() {
        for (int size : new int[] {0, 1, 999, 1_000, 1_001, 3_000, 3_500}) {
            List<String> ids = IntStream.range(0, size).mapToObj(i -> String.format("p%05d", i)).toList();
            BlueConicSegments segments = new BlueConicSegments().define("s", "S").members("s", ids);
            List<String> served = new ArrayList<>();
            List<String> cursors = new ArrayList<>();
            String cursor = "*";
            do {
                BlueConicSegments.Page page = segments.page("s", cursor, 1_000);
                assertThat(page.total()).isEqualTo(size);
                assertThat(page.profileIds()).hasSizeLessThanOrEqualTo(1_000);
                served.addAll(page.profileIds());
                cursor = page.nextCursor();
                cursors.add(cursor);
            } while (cursor != null);
            assertThat(served).as("members of a segment of %d", size).isEqualTo(ids);
            // A segment of exactly 1,000 or 3,000 members ends on a full page: no page after it, not an empty one.
            assertThat(cursors).as("pages of a segment of %d", size).hasSize(Math.max(1, (size + 999) / 1_000));
        }
    }

    @Test
    void aCursorKeepsItsPlaceWhenMembersComeAndGo() {
        BlueConicSegments segments = new BlueConicSegments().define("s", "S").members("s", List.of("a", "b", "c", "d"));
        BlueConicSegments.Page first = segments.page("s", "*", 2);
        assertThat(first.profileIds()).containsExactly("a", "b");
        segments.members("s", List.of("a", "c", "d", "e"));
        BlueConicSegments.Page second = segments.page("s", first.nextCursor(), 2);
        assertThat(second.profileIds()).containsExactly("c", "d");
        assertThat(segments.page("s", second.nextCursor(), 2).profileIds()).containsExactly("e");
        assertThat(segments.page("s", second.nextCursor(), 2).nextCursor()).isNull();
    }
}
