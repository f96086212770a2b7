package com.subsets.sync.dispatch;

/** How a vendor's or a record's text appears in a log line: its first 300 characters. */
final class Text {

    private Text() {
    }

    static String abbreviate(String text) {
        return text == null || text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }
}
