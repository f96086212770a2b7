package com.subsets.sync.model;

import java.math.BigDecimal;

/**
 * The contract's rule for {@code churnRisk}: a number from 0 to 1 that a double holds, that is any
 * probability a model emits ({@code 5e-324}, {@code 1e-30}, {@code 0.123456789012345678901}). Refused:
 * a negative number, a number above 1, and a non-zero number that reading it as a double would turn
 * into 0 (at most {@link #HALF_OF_MIN_VALUE}, half of {@link Double#MIN_VALUE}: {@code 1e-400}). The
 * schema says the same with {@code minimum}, {@code maximum} and a {@code not} holding this bound.
 *
 * <p>The decision is cheap whatever the exponent: {@code 1e-30000000} is eleven characters of valid JSON,
 * and rounding or printing it builds thirty million digits (27 s of an event loop, measured). The leading
 * digit's exponent comes from precision and scale alone; the parser bounds a number's text (Jackson's
 * 1,000 characters), so the precision is cheap, and the one comparison of digits happens only when the
 * value's leading digit is at the bound's own decimal position. A refused value is never formatted.
 */
final class ChurnRiskRule {

    static final String RULE = "must be a number from 0 to 1 (a finite double)";

    /**
     * 2^-1075, exactly: a double reads a positive number at or below it as 0 (the tie rounds to the even
     * 0), and any number above it as at least {@link Double#MIN_VALUE}.
     */
    static final BigDecimal HALF_OF_MIN_VALUE = new BigDecimal(Double.MIN_VALUE).divide(BigDecimal.valueOf(2));

    /** The decimal exponent of the bound's leading digit: 2.47e-324. */
    private static final long BOUND_EXPONENT = leadingExponent(HALF_OF_MIN_VALUE);

    private ChurnRiskRule() {
    }

    static boolean admits(BigDecimal value) {
        int sign = value.signum();
        if (sign < 0) {
            return false;
        }
        if (sign == 0) {
            return true;
        }
        long exponent = leadingExponent(value);
        if (exponent > 0) {
            return false;
        }
        if (exponent == 0) {
            // From 1 to 9.99...: only 1 itself. Both scales are small here, so the comparison is cheap.
            return value.compareTo(BigDecimal.ONE) == 0;
        }
        if (exponent != BOUND_EXPONENT) {
            return exponent > BOUND_EXPONENT;
        }
        // Same leading position as the bound, so a scale near 1,075 and at most a thousand digits to compare.
        return value.compareTo(HALF_OF_MIN_VALUE) > 0;
    }

    /**
     * The decimal exponent of a non-zero value's leading digit (value in [10^e, 10^(e+1))), from precision
     * and scale: no arithmetic on the digits. A long, since an int scale minus a precision may overflow.
     */
    static long leadingExponent(BigDecimal value) {
        return (long) value.precision() - value.scale() - 1;
    }
}
