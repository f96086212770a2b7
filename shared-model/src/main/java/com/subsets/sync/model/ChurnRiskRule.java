package com.subsets.sync.model;

import java.math.BigDecimal;

/**
 * The contract's rule for {@code churnRisk}: a number from 0 to 1 with at most 20 decimal places (the
 * schema's {@code multipleOf: 1e-20}). The bound is what keeps a number cheap: {@code 1e-30000000} is
 * eleven characters of valid JSON, and rounding or printing it builds thirty million digits (27 s of an
 * event loop, measured). Each check here costs a few operations whatever the exponent, and a refused
 * value is never formatted.
 */
final class ChurnRiskRule {

    /** Far past any probability a model produces (a double has 17 significant digits). */
    static final int MAX_DECIMAL_PLACES = 20;
    static final String RULE = "must be a number from 0 to 1 with at most " + MAX_DECIMAL_PLACES + " decimal places";

    private ChurnRiskRule() {
    }

    static boolean admits(BigDecimal value) {
        if (value.signum() < 0) {
            return false;
        }
        if (value.signum() == 0) {
            return true;
        }
        // Digits before the decimal point, from precision and scale alone: no arithmetic on the exponent.
        if ((long) value.precision() - value.scale() > 1) {
            return false;
        }
        // The parser bounds a number's text (1,000 characters), so stripping trailing zeros is cheap.
        if (value.scale() > MAX_DECIMAL_PLACES && value.stripTrailingZeros().scale() > MAX_DECIMAL_PLACES) {
            return false;
        }
        return value.compareTo(BigDecimal.ONE) <= 0;
    }
}
