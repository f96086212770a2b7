package com.subsets.sync.dispatch.core;

/**
 * A request the adapter could not even build (a bad base URL, a control character in a key). Its cause's
 * message is never kept: it may quote the header or URL it refused, credentials included.
 */
public final class RequestNotBuilt extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RequestNotBuilt(Throwable cause) {
        super("the request could not be built (" + cause.getClass().getSimpleName()
                + "); check the destination's settings and credentials", null, false, false);
    }
}
