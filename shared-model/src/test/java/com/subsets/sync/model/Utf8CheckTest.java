package com.subsets.sync.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Utf8CheckTest {

    @ParameterizedTest(name = "{0} at {1}: {2}")
    @CsvSource(delimiter = '|', value = {
            "22 61 c0 af 62 22 | 2 | overlong",
            "22 e0 80 af 22    | 1 | overlong",
            "22 f0 82 82 ac 22 | 1 | overlong",
            "22 ed a0 80 22    | 1 | surrogate",
            "22 ed bf bf 22    | 1 | surrogate",
            "ff fe 7b 00 7d 00 | 0 | never UTF-8",
            "22 f4 90 80 80 22 | 1 | above U+10FFFF",
            "22 f5 80 80 80 22 | 1 | above U+10FFFF",
            "22 e2 82          | 1 | incomplete",
            "22 e2 82 22       | 1 | incomplete",
            "22 f0 9f 98       | 1 | incomplete",
            "22 80 22          | 1 | continuation byte",
            "7b 00 22 00       | 1 | NUL",
    })
    void findsTheFirstOffsetThatIsNotUtf8Text(String hex, int offset, String problem) {
        byte[] bytes = HexFormat.ofDelimiter(" ").parseHex(hex.trim());

        assertThat(Utf8Check.firstInvalid(bytes)).isEqualTo(offset);
        assertThat(Utf8Check.problemAt(bytes, offset)).contains(problem);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{\"a\":1}", "Réduction d'été", "€ 5", "\uD83D\uDE00", "\uDBFF\uDFFF", "\t\r\n"})
    void acceptsUtf8Text(String text) {
        assertThat(Utf8Check.firstInvalid(text.getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
    }

    /** Java's own decoder is strict (RFC 3629) and reports where it stops: the two must agree everywhere. */
    @Test
    void agreesWithTheJdkDecoderOnRandomBytes() {
        Random random = new Random(3);
        byte[] interesting = {0x41, 0x22, (byte) 0x80, (byte) 0x8F, (byte) 0x90, (byte) 0x9F, (byte) 0xA0, (byte) 0xBF,
                (byte) 0xC0, (byte) 0xC1, (byte) 0xC2, (byte) 0xDF, (byte) 0xE0, (byte) 0xE1, (byte) 0xED, (byte) 0xEF,
                (byte) 0xF0, (byte) 0xF1, (byte) 0xF4, (byte) 0xF5, (byte) 0xFF};
        int valid = 0;
        for (int i = 0; i < 300_000; i++) {
            byte[] bytes = new byte[random.nextInt(7)];
            for (int k = 0; k < bytes.length; k++) {
                bytes[k] = interesting[random.nextInt(interesting.length)];
            }
            int expected = jdkFirstInvalid(bytes);
            assertThat(Utf8Check.firstInvalid(bytes)).as(HexFormat.of().formatHex(bytes)).isEqualTo(expected);
            valid += expected < 0 ? 1 : 0;
        }
        assertThat(valid).as("both verdicts are exercised").isBetween(1_000, 299_000);
    }

    /** The length of the longest prefix the JDK decodes: the first bad sequence starts there. */
    private static int jdkFirstInvalid(byte[] bytes) {
        for (int length = bytes.length; length >= 0; length--) {
            if (decodes(bytes, length)) {
                return length == bytes.length ? -1 : length;
            }
        }
        throw new AssertionError("the empty prefix always decodes");
    }

    private static boolean decodes(byte[] bytes, int length) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, length));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
