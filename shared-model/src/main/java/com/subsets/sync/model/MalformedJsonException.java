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

    public long line() {
        return line;
    }

    public long column() {
        return column;
    }
}
