package com.subsets.sync.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The loops against the patterns they replaced (the contract's JSON Schema states the same rules). */
class TextRulesTest {

    /**
     * One character outside {@code refused} and the surrogates, or a surrogate pair: the schema's shape. Java
     * matches a pair as one code point outside the surrogate range, so a lone half is all the range refuses.
     */
    private static String unit(String refused) {
        return "(?:[^" + refused + "\\uD800-\\uDFFF]|[\\uD800-\\uDBFF][\\uDC00-\\uDFFF])";
    }

    private static final String TEXT_CHAR = unit("\\u0000-\\u001F\\u007F-\\u009F");
    private static final Pattern TEXT = Pattern.compile(
            TEXT_CHAR + "*" + unit("\\u0000-\\u0020\\u007F-\\u009F") + TEXT_CHAR + "*");
    private static final Pattern DISPLAY_TEXT = Pattern.compile(
            unit("\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F") + "*");
    private static final Pattern EMAIL = Pattern.compile(
            "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                    + "@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+");

    @ParameterizedTest
    @ValueSource(strings = {"ada@example.com", "a.b+c@mail.example.co.uk", "x@a-b.c", "o'brien@x.io", "1@2.3",
            "q@" + "a123456789a123456789a123456789a123456789a123456789a123456789abc" + ".de"})
    void acceptsAddresses(String address) {
        assertThat(TextRules.isEmail(address)).isTrue();
        assertThat(EMAIL.matcher(address).matches()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "@example.com", "ada@", "ada@example", "ada@@example.com", "a@b@c.de", ".ada@x.de", "ada.@x.de",
            "a..b@x.de", "ada@-x.de", "ada@x-.de", "ada@x..de", "ada@x.de.", "ada @x.de", "adä@x.de", "ada@xä.de",
            "q@" + "a123456789a123456789a123456789a123456789a123456789a123456789abcd" + ".de"})
    void refusesNonAddresses(String text) {
        assertThat(TextRules.isEmail(text)).as(text).isFalse();
        assertThat(EMAIL.matcher(text).matches()).as(text).isFalse();
    }

    @Test
    void emailAgreesWithThePatternOnRandomTexts() {
        Random random = new Random(11);
        String alphabet = "ab9Z.-@_+!~ äx";
        int valid = 0;
        for (int i = 0; i < 300_000; i++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(14);
            for (int c = 0; c < length; c++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            if (random.nextBoolean()) {
                text.insert(random.nextInt(text.length() + 1), random.nextBoolean() ? "@ex.com" : "a@b");
            }
            boolean expected = EMAIL.matcher(text).matches();
            assertThat(TextRules.isEmail(text.toString())).as(text.toString()).isEqualTo(expected);
            valid += expected ? 1 : 0;
        }
        assertThat(valid).as("both verdicts are exercised").isBetween(3_000, 297_000);
    }

    @Test
    void textAgreesWithThePatternOnRandomTexts() {
        agreesOnRandomCharacters(TEXT, TextRules::isText, 5);
    }

    @Test
    void displayTextAgreesWithThePatternOnRandomTexts() {
        agreesOnRandomCharacters(DISPLAY_TEXT, TextRules::isDisplayText, 7);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Winback\toffer", "line one\nline two\r\n", " ", "\t", "\uD83D\uDE00 spring"})
    void displayTextTakesTabsLineBreaksAndPairs(String text) {
        assertThat(TextRules.isDisplayText(text)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\u0000", "bell\u0007", "vt\u000B", "del\u007F", "nel\u0085", "\uD800", "x\uDC00y", "\uDE00\uD83D"})
    void displayTextRefusesOtherControlsAndUnpairedSurrogates(String text) {
        assertThat(TextRules.isDisplayText(text)).as(text).isFalse();
    }

    /** Short texts of controls, spaces, surrogate halves (which pair at random) and ordinary letters. */
    private static void agreesOnRandomCharacters(Pattern pattern, java.util.function.Predicate<String> rule, long seed) {
        Random random = new Random(seed);
        char[] alphabet = {'a', ' ', '\t', '\n', '\r', '\u000B', '\u0000', '\u001F', '\u007F', '\u0085', '\u009F', '\u00A0',
                'é', '\u2028', '\uD83D', '\uDE00'};
        int valid = 0;
        for (int i = 0; i < 200_000; i++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(6);
            for (int c = 0; c < length; c++) {
                text.append(alphabet[random.nextInt(alphabet.length)]);
            }
            boolean expected = pattern.matcher(text).matches();
            assertThat(rule.test(text.toString())).as(text.toString()).isEqualTo(expected);
            valid += expected ? 1 : 0;
        }
        assertThat(valid).as("both verdicts are exercised").isBetween(2_000, 198_000);
    }

    @Test
    void eventIdAgreesWithThePatternOnRandomTexts() {
        agreesOnRandomTexts(Pattern.compile("[A-Za-z0-9._:-]{1,128}"), TextRules::isEventId, "aZ09._:-/ é@", 130, 17);
    }

    @Test
    void tenantIdAgreesWithThePatternOnRandomTexts() {
        agreesOnRandomTexts(EventValidator.TENANT_ID, TextRules::isTenantId, "az09-A_. ", 66, 19);
    }

    /** Lengths cluster at both ends of {@code 0..maxLength}, where the limits are. */
    private static void agreesOnRandomTexts(Pattern pattern, java.util.function.Predicate<String> rule, String alphabet,
                                            int maxLength, long seed) {
        Random random = new Random(seed);
        int valid = 0;
        for (int i = 0; i < 100_000; i++) {
            int length = random.nextBoolean() ? random.nextInt(4) : maxLength - random.nextInt(6);
            StringBuilder text = new StringBuilder();
            for (int c = 0; c < length; c++) {
                // Mostly allowed characters, so long texts are sometimes valid.
                text.append(alphabet.charAt(random.nextInt(random.nextInt(50) == 0 ? alphabet.length() : 5)));
            }
            boolean expected = pattern.matcher(text).matches();
            assertThat(rule.test(text.toString())).as(text.toString()).isEqualTo(expected);
            valid += expected ? 1 : 0;
        }
        assertThat(valid).as("both verdicts are exercised").isBetween(1_000, 99_000);
    }
}
