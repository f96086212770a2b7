package com.subsets.sync.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The hand-written parser and printer against java.time's, which they replace for speed. */
class Rfc3339Test {

    /** The profile as a pattern: java.time alone also takes lower-case letters, leap seconds and year signs. */
    private static final Pattern PROFILE = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})");

    private static Instant reference(String text) {
        if (!PROFILE.matcher(text).matches()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-22T09:59:00Z", "2026-11-22T10:59:00+01:00", "2026-11-22T04:29:00-05:30",
            "2024-02-29T23:59:59.999999999Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59+18:00", "2026-11-22T09:59:00.1Z"})
    void readsWhatJavaTimeReads(String text) {
        assertThat(Rfc3339.parse(text)).isNotNull().isEqualTo(reference(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-22T09:59:00", "2026-11-22", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
            "2025-02-29T00:00:00Z", "2026-11-22 09:59:00Z", "2026-11-22t09:59:00z", "2026-11-22T24:00:00Z",
            "2026-11-22T09:60:00Z", "2026-11-22T09:59:60Z", "2026-11-22T09:59:00.Z", "2026-11-22T09:59:00.1234567890Z",
            "2026-11-22T09:59:00+24:00", "2026-11-22T09:59:00-18:01", "2026-11-22T09:59:00+01", "2026-11-22T09:59:00+0100", "+2026-11-22T09:59:00Z",
            "2026-11-22T09:59:00ZZ", "2026-00-10T09:59:00Z", "2026-11-00T09:59:00Z", "２０２６-11-22T09:59:00Z", ""})
    void refusesWhatTheProfileDoesNotAllow(String text) {
        assertThat(Rfc3339.parse(text)).as(text).isNull();
    }

    @Test
    void agreesWithJavaTimeOnRandomTexts() {
        Random random = new Random(42);
        String alphabet = "0123456789-:T.Z+ ";
        int valid = 0;
        for (int i = 0; i < 200_000; i++) {
            StringBuilder text = new StringBuilder(String.format("%04d-%02d-%02dT%02d:%02d:%02d", random.nextInt(10_000),
                    random.nextInt(14), random.nextInt(33), random.nextInt(26), random.nextInt(62), random.nextInt(62)));
            if (random.nextBoolean()) {
                text.append('.').append(Long.toString(Math.abs(random.nextLong())), 0, 1 + random.nextInt(10));
            }
            text.append(switch (random.nextInt(4)) {
                case 0 -> "Z";
                case 1 -> String.format("%s%02d:%02d", random.nextBoolean() ? "+" : "-", random.nextInt(26), random.nextInt(62));
                case 2 -> "";
                default -> String.valueOf(alphabet.charAt(random.nextInt(alphabet.length())));
            });
            if (random.nextInt(10) == 0) {
                text.setCharAt(random.nextInt(text.length()), alphabet.charAt(random.nextInt(alphabet.length())));
            }
            Instant expected = reference(text.toString());
            assertThat(Rfc3339.parse(text.toString())).as(text.toString()).isEqualTo(expected);
            valid += expected == null ? 0 : 1;
        }
        assertThat(valid).as("both verdicts are exercised").isBetween(20_000, 180_000);
    }

    @Test
    void printsAsInstantToStringDoes() {
        Random random = new Random(7);
        long tenThousandYears = 253_402_300_799L;
        for (int i = 0; i < 200_000; i++) {
            long seconds = Math.floorMod(random.nextLong(), tenThousandYears) - 62_135_596_800L;
            int nanos = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(seconds, nanos);
            assertThat(Rfc3339.format(instant)).isEqualTo(instant.toString());
            assertThat(Rfc3339.parse(Rfc3339.format(instant))).isEqualTo(instant);
        }
        Instant farFuture = Instant.parse("+10000-01-01T00:00:00Z");
        assertThat(Rfc3339.format(farFuture)).isEqualTo(farFuture.toString());
    }
}
