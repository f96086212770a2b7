package com.subsets.sync.dispatch.core;

/**
 * An answer an adapter cannot read: a status or a body shape its vendor's document does not promise. It is
 * neither the data's fault nor a transport failure, so it is classified on its own ({@code unexpected_response}):
 * retried with backoff, and dead-lettered with the answer's text when retries run out.
 */
public final class UnexpectedResponse extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** How much of the answer is kept: enough to recognise it, never a whole megabyte body in a header. */
    static final int KEPT_CHARACTERS = 300;

    private final int status;

    public UnexpectedResponse(int status, String problem, String body) {
        super("HTTP " + status + ", " + problem + ": " + excerpt(body), null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    static String excerpt(String body) {
        if (body == null || body.isEmpty()) {
            return "(no body)";
        }
        return body.length() <= KEPT_CHARACTERS ? body : body.substring(0, KEPT_CHARACTERS) + "…";
    }
}
