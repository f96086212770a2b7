package com.subsets.sync.ingest;

/** Every way a request can fail, and the one place each is mapped to an HTTP status. */
enum ErrorCode {
    MALFORMED_JSON(400),
    INVALID_EVENTS(400),
    EMPTY_BATCH(400),
    TOO_MANY_EVENTS(400),
    UNAUTHORIZED(401),
    NOT_FOUND(404),
    METHOD_NOT_ALLOWED(405),
    REQUEST_TIMEOUT(408),
    PAYLOAD_TOO_LARGE(413),
    UNSUPPORTED_MEDIA_TYPE(415),
    INTERNAL_ERROR(500),
    UNAVAILABLE(503);

    private final int status;

    ErrorCode(int status) {
        this.status = status;
    }

    int status() {
        return status;
    }

    /** The code as it appears in error bodies and metric labels: {@code invalid_events}. */
    String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
