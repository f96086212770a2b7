package com.subsets.sync.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FieldMemoryTest {

    private static final Instant T0 = Instant.parse("2026-11-22T09:00:00Z");

    private record Fact(String value, int second, long offset) {
    }

    private static FieldMemory fold(List<Fact> facts) {
        FieldMemory memory = FieldMemory.EMPTY;
        for (Fact fact : facts) {
            memory = memory.with(fact.value(), T0.plusSeconds(fact.second()), fact.offset());
        }
        return memory;
    }

    @Test
    void theFirstValueIsTheEarliestFactEvenWhenItArrivesLast() {
        FieldMemory memory = fold(List.of(new Fact("exp-2", 20, 5), new Fact("exp-3", 30, 6), new Fact("exp-1", 10, 7)));

        assertThat(memory.first().value()).isEqualTo("exp-1");
        assertThat(memory.values()).containsExactly("exp-1", "exp-2", "exp-3");
        assertThat(memory.latest()).isEqualTo("exp-3");
    }

    @Test
    void aValueHeldAgainMovesToTheEndAndNullsAreNoValues() {
        FieldMemory memory = fold(List.of(new Fact("a", 1, 1), new Fact(null, 2, 2), new Fact("b", 3, 3), new Fact("a", 4, 4)));

        assertThat(memory.values()).containsExactly("b", "a");
        assertThat(memory.first().value()).isEqualTo("a");
    }

    @Test
    void theListIsBoundedAndTheLeastRecentlyHeldValuesDropFirst() {
        List<Fact> facts = IntStream.range(0, 30).mapToObj(i -> new Fact("exp-" + i, i, i)).toList();

        FieldMemory memory = fold(facts);

        assertThat(memory.values()).hasSize(FieldMemory.MAX_VALUES).first().isEqualTo("exp-10");
        assertThat(memory.values()).last().isEqualTo("exp-29");
        assertThat(memory.first().value()).as("the first value outlives the bound").isEqualTo("exp-0");
        assertThat(memory.with("exp-3", T0.plusSeconds(3), 3)).as("a dropped value's old fact stays dropped").isSameAs(memory);
    }

    @Test
    void anyOrderAndAnyRepeatsOfTheSameFactsGiveTheSameMemory() {
        Random random = new Random(28);
        for (int run = 0; run < 500; run++) {
            List<Fact> facts = new ArrayList<>();
            for (int i = 0; i < 1 + random.nextInt(40); i++) {
                facts.add(new Fact(random.nextInt(5) == 0 ? null : "v" + random.nextInt(30), random.nextInt(50), i));
            }
            FieldMemory inOrder = fold(facts);
            List<Fact> shuffled = new ArrayList<>(facts);
            shuffled.addAll(facts.subList(0, facts.size() / 2));
            Collections.shuffle(shuffled, random);

            assertThat(fold(shuffled)).as(facts.toString()).isEqualTo(inOrder);
        }
    }

    @Test
    void mergingTwoMemoriesIsFoldingAllTheirFacts() {
        Random random = new Random(2028);
        for (int run = 0; run < 300; run++) {
            List<Fact> left = new ArrayList<>();
            List<Fact> right = new ArrayList<>();
            for (int i = 0; i < random.nextInt(30); i++) {
                (random.nextBoolean() ? left : right).add(new Fact("v" + random.nextInt(25), random.nextInt(60), i));
            }
            List<Fact> all = new ArrayList<>(left);
            all.addAll(right);

            assertThat(fold(left).merge(fold(right))).as(all.toString()).isEqualTo(fold(all));
        }
    }
}
