package com.subsets.sync.client.blueconic;

import java.net.URI;

/**
 * A BlueConic OAuth application on one instance: what a token is fetched with. {@link #toString()}
 * never shows the secret.
 */
public record BlueConicCredentials(URI instanceUrl, String clientId, String clientSecret) {

    @Override
    public String toString() {
        return "BlueConicCredentials[instance=" + instanceUrl + ", client=" + clientId + "]";
    }
}
