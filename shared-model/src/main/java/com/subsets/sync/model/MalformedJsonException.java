package com.subsets.sync.model;

/** Bytes that are not one well-formed JSON value; the message names the position, never the content. */
public final class MalformedJsonException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long line;
    private final long column;

    MalformedJsonException(String problem, long line, long column, Throwable cause) {
        super("malformed JSON at line " + line + ", column " + column + ": " + problem, cause);
        this.line = line;
        this.column = column;
    }

    private MalformedJsonException(String message) {
        super(message);
        this.line = 0;
        this.column = 0;
    }

    /** Bytes that are not UTF-8 JSON text, from {@code offset} (counted from 0) on. */
    static MalformedJsonException notUtf8(byte[] bytes, int offset) {
        return new MalformedJsonException("malformed JSON at byte offset " + offset + ": "
                + Utf8Check.problemAt(bytes, offset) + "; send JSON text in UTF-8 (RFC 8259 section 8.1)");
    }

    /** The line of the problem, or 0 when it is placed by byte offset (bytes that are not UTF-8). */
    public long line() {
        return line;
    }

    public long column() {
        return column;
    }
}
