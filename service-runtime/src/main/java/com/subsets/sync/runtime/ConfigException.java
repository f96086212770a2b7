package com.subsets.sync.runtime;

/** A configuration variable that is missing or wrong; the message names it (never a secret's value). */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
