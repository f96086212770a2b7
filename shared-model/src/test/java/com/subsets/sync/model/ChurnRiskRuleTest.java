package com.subsets.sync.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChurnRiskRuleTest {

    /** What the rule promises, said with a double: from 0 to 1, and not a non-zero number a double reads as 0. */
    private static boolean oracle(String text) {
        BigDecimal value = new BigDecimal(text);
        return value.signum() == 0
                || value.signum() > 0 && value.compareTo(BigDecimal.ONE) <= 0 && Double.parseDouble(text) != 0.0;
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-0", "-0.0", "0E-999999999", "0E+999999999", "1", "1.000e0", "0.5e0", "0.73", "0.125",
            "5e-324", "4.9E-324", "2.4703282292062328e-324", "1e-323", "1E-300", "3.2e-25", "1e-30", "1e-21",
            "0.123456789012345678901", "0.999999999999999999999999999999", "2.2250738585072014E-308"})
    void acceptsEveryProbabilityADoubleHolds(String text) {
        assertThat(ChurnRiskRule.admits(new BigDecimal(text))).isTrue();
        assertThat(oracle(text)).isTrue();
    }

    /** The first four are decided from precision and scale alone, in microseconds; the rest as well. */
    @ParameterizedTest
    @ValueSource(strings = {"1e-30000000", "1e-300000000", "2e600000000", "1e999999999", "-1e-999999999",
            "1e-2147483647", "1e-400", "2e-324", "1e-324", "1e400", "1.0000000001", "1.00000000000000000001", "2", "10",
            "-5e-324", "-0.1"})
    void refusesNegativeAboveOneAndWhatADoubleReadsAsZero(String text) {
        assertThat(ChurnRiskRule.admits(new BigDecimal(text))).isFalse();
    }

    @Test
    void theBoundIsHalfTheSmallestDoubleExactlyAndItselfRefused() {
        BigDecimal half = ChurnRiskRule.HALF_OF_MIN_VALUE;
        assertThat(half.multiply(BigDecimal.valueOf(2))).isEqualByComparingTo(new BigDecimal(Double.MIN_VALUE));
        assertThat(half.doubleValue()).as("a double reads the bound as 0").isZero();
        assertThat(ChurnRiskRule.admits(half)).isFalse();
        BigDecimal justAbove = half.add(BigDecimal.ONE.movePointLeft(half.scale() + 5));
        assertThat(justAbove.doubleValue()).isEqualTo(Double.MIN_VALUE);
        assertThat(ChurnRiskRule.admits(justAbove)).isTrue();
        BigDecimal justBelow = half.subtract(BigDecimal.ONE.movePointLeft(half.scale() + 5));
        assertThat(ChurnRiskRule.admits(justBelow)).isFalse();
    }

    @Test
    void theSchemaStatesTheSameBound() {
        BigDecimal schemaBound = ContractExamples.schema().at("/properties/churnRisk/not/maximum").decimalValue();
        assertThat(schemaBound).isEqualByComparingTo(ChurnRiskRule.HALF_OF_MIN_VALUE);
    }

    /** Random doubles in [0, 1], normal and subnormal, in Java's shortest text and in their exact decimal expansion. */
    @Test
    void agreesWithTheOracleOnRandomDoublesAndTheirNeighbours() {
        Random random = new Random(20261125L);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            double d = switch (i % 4) {
                case 0 -> random.nextDouble();
                case 1 -> Double.longBitsToDouble(random.nextLong(1L << 52)); // subnormal
                case 2 -> Math.pow(10, -random.nextInt(330)) * random.nextDouble();
                default -> Double.longBitsToDouble(random.nextLong(Double.doubleToLongBits(1.0) + 1));
            };
            texts.add(Double.toString(d));
            texts.add(new BigDecimal(d).toString());
            texts.add(new BigDecimal(Math.nextUp(d)).toString());
        }
        texts.add("1.0000000000000000000000000000001");
        texts.add(new BigDecimal(Math.nextUp(1.0)).toString());
        for (String text : texts) {
            assertThat(ChurnRiskRule.admits(new BigDecimal(text))).as(text).isEqualTo(oracle(text));
        }
    }
}
