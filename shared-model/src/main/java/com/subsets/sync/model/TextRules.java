package com.subsets.sync.model;

/**
 * The contract's rules for ids, free text and e-mail addresses, as loops rather than regular expressions:
 * they run on several fields of every event in the ingest service and both dispatchers, where the
 * patterns were a visible share of the decoding time (async-profiler). {@code TextRulesTest} holds
 * each to the pattern it replaces on random input.
 */
final class TextRules {

    private static final String ATEXT_SYMBOLS = "!#$%&'*+/=?^_`{|}~-";

    private TextRules() {
    }

    /** {@code [A-Za-z0-9._:-]{1,128}}: the contract's event id. */
    static boolean isEventId(String text) {
        int length = text.length();
        if (length < 1 || length > 128) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (!isLetterOrDigit(c) && c != '.' && c != '_' && c != ':' && c != '-') {
                return false;
            }
        }
        return true;
    }

    /** {@code [a-z0-9][a-z0-9-]{0,62}}: the contract's tenant id. */
    static boolean isTenantId(String text) {
        int length = text.length();
        if (length < 1 || length > 63 || text.charAt(0) == '-') {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '-') {
                return false;
            }
        }
        return true;
    }

    /**
     * No C0 or C1 control character (U+0000-U+001F, U+007F-U+009F), no unpaired surrogate, and at least
     * one character that is not a space: ids and identifiers.
     */
    static boolean isText(String text) {
        boolean visible = false;
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c <= 0x1F || (c >= 0x7F && c <= 0x9F)) {
                return false;
            }
            if (Character.isSurrogate(c)) {
                if (!isPairAt(text, i)) {
                    return false;
                }
                i++;
            }
            visible |= c != ' ';
        }
        return visible;
    }

    /**
     * Text people type and read (an experiment's name): anything but a control character other than tab,
     * line feed and carriage return, and an unpaired surrogate, which no UTF-8 writer can send on.
     */
    static boolean isDisplayText(String text) {
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c <= 0x1F ? c != '\t' && c != '\n' && c != '\r' : c >= 0x7F && c <= 0x9F) {
                return false;
            }
            if (Character.isSurrogate(c)) {
                if (!isPairAt(text, i)) {
                    return false;
                }
                i++;
            }
        }
        return true;
    }

    /** A high surrogate at {@code i} followed by a low one. */
    private static boolean isPairAt(String text, int i) {
        return Character.isHighSurrogate(text.charAt(i)) && i + 1 < text.length()
                && Character.isLowSurrogate(text.charAt(i + 1));
    }

    /**
     * A practical address syntax: a dot-atom local part (RFC 5322 atext, single dots inside), then a
     * host of at least two labels, each 1 to 63 letters, digits and hyphens, starting and ending with
     * a letter or digit.
     */
    static boolean isEmail(String text) {
        int at = text.indexOf('@');
        return at > 0 && text.indexOf('@', at + 1) < 0 && isDotAtom(text, 0, at) && isHost(text, at + 1, text.length());
    }

    private static boolean isDotAtom(String text, int from, int to) {
        boolean atomEmpty = true;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == '.') {
                if (atomEmpty) {
                    return false;
                }
                atomEmpty = true;
            } else if (isLetterOrDigit(c) || ATEXT_SYMBOLS.indexOf(c) >= 0) {
                atomEmpty = false;
            } else {
                return false;
            }
        }
        return !atomEmpty;
    }

    private static boolean isHost(String text, int from, int to) {
        int labels = 0;
        int start = from;
        for (int i = from; i <= to; i++) {
            if (i < to && text.charAt(i) != '.') {
                continue;
            }
            int length = i - start;
            if (length < 1 || length > 63 || !isLetterOrDigit(text.charAt(start)) || !isLetterOrDigit(text.charAt(i - 1))) {
                return false;
            }
            for (int j = start + 1; j < i - 1; j++) {
                char c = text.charAt(j);
                if (!isLetterOrDigit(c) && c != '-') {
                    return false;
                }
            }
            labels++;
            start = i + 1;
        }
        return labels >= 2;
    }

    private static boolean isLetterOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
}
