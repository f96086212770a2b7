package com.subsets.sync.model;

/**
 * Whether bytes are JSON text in UTF-8 as RFC 8259 §8.1 requires between systems: well-formed UTF-8
 * (RFC 3629: no overlong form, no encoded surrogate, nothing above U+10FFFF, no truncated sequence) and
 * no NUL byte, which JSON never holds raw. Jackson alone would take a UTF-16 or UTF-32 body (it guesses
 * the encoding from the first bytes, and every such body holds NUL bytes) and let overlong forms and
 * encoded surrogates through, and a lone surrogate cannot be written on to any vendor faithfully.
 */
final class Utf8Check {

    private Utf8Check() {
    }

    /** The first byte offset where {@code bytes} stop being UTF-8 JSON text, or -1 when they never do. */
    static int firstInvalid(byte[] bytes) {
        int i = 0;
        int length = bytes.length;
        while (i < length) {
            int b = bytes[i];
            if (b > 0) {
                i++;
                continue;
            }
            int size = sequenceLength(bytes, i);
            if (size < 0) {
                return i;
            }
            i += size;
        }
        return -1;
    }

    /** What is wrong at {@code offset}, for the error message (never the bytes themselves beyond the first). */
    static String problemAt(byte[] bytes, int offset) {
        int b = bytes[offset] & 0xFF;
        if (b == 0) {
            return "a NUL byte (JSON text is UTF-8, never UTF-16 or UTF-32)";
        }
        if (b == 0xC0 || b == 0xC1 || b == 0xE0 && offset + 1 < bytes.length && (bytes[offset + 1] & 0xFF) < 0xA0
                || b == 0xF0 && offset + 1 < bytes.length && (bytes[offset + 1] & 0xFF) < 0x90) {
            return "an overlong UTF-8 encoding";
        }
        if (b == 0xED && offset + 1 < bytes.length && (bytes[offset + 1] & 0xFF) >= 0xA0) {
            return "an encoded UTF-16 surrogate, which UTF-8 does not allow";
        }
        if (b > 0xF4 || b == 0xF4 && offset + 1 < bytes.length && (bytes[offset + 1] & 0xFF) >= 0x90) {
            return "a byte that is never UTF-8 or a code point above U+10FFFF";
        }
        if (b < 0xC0) {
            return "a continuation byte without a lead byte";
        }
        return "an incomplete UTF-8 sequence";
    }

    /**
     * The length of the sequence starting at {@code i} (a byte at or above 0x80, or NUL), or -1 when it is
     * not allowed. Second-byte ranges follow RFC 3629's table, which is what shuts out overlong forms,
     * surrogates and code points past U+10FFFF.
     */
    private static int sequenceLength(byte[] bytes, int i) {
        int b = bytes[i] & 0xFF;
        if (b == 0) {
            return -1;
        }
        int size;
        int low = 0x80;
        int high = 0xBF;
        if (b >= 0xC2 && b <= 0xDF) {
            size = 2;
        } else if (b >= 0xE0 && b <= 0xEF) {
            size = 3;
            if (b == 0xE0) {
                low = 0xA0;
            } else if (b == 0xED) {
                high = 0x9F;
            }
        } else if (b >= 0xF0 && b <= 0xF4) {
            size = 4;
            if (b == 0xF0) {
                low = 0x90;
            } else if (b == 0xF4) {
                high = 0x8F;
            }
        } else {
            return -1;
        }
        if (i + size > bytes.length) {
            return -1;
        }
        int second = bytes[i + 1] & 0xFF;
        if (second < low || second > high) {
            return -1;
        }
        for (int k = 2; k < size; k++) {
            int next = bytes[i + k] & 0xFF;
            if (next < 0x80 || next > 0xBF) {
                return -1;
            }
        }
        return size;
    }
}
