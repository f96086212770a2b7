package com.subsets.sync.client.blueconic;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which instance URLs a tenant may register: https on an allowed host pattern (default
 * {@code *.blueconic.net}) and port 443, never an arbitrary host, so credentials are only ever sent to BlueConic.
 * Plain http is allowed only for hosts listed explicitly as insecure (a local simulator), on any port.
 * Checked at registration and again each time credentials are about to be used.
 */
public final class InstanceUrlPolicy {

    private final List<Pattern> allowedHosts;
    private final List<String> insecureHosts;

    public InstanceUrlPolicy(List<String> hostPatterns, List<String> insecureHosts) {
        this.allowedHosts = hostPatterns.stream().map(InstanceUrlPolicy::glob).toList();
        this.insecureHosts = List.copyOf(insecureHosts);
    }

    private static Pattern glob(String pattern) {
        return Pattern.compile(Pattern.quote(pattern.toLowerCase(Locale.ROOT)).replace("*", "\\E[a-z0-9-]+\\Q"));
    }

    /** The URL if allowed; otherwise an IllegalArgumentException saying why (without echoing credentials). */
    public URI check(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("instanceUrl is not a URL");
        }
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (uri.getUserInfo() != null || uri.getRawQuery() != null) {
            throw new IllegalArgumentException("instanceUrl must not carry credentials or a query");
        }
        if ("http".equals(uri.getScheme()) && insecureHosts.contains(host)) {
            return uri;
        }
        if (!"https".equals(uri.getScheme())) {
            throw new IllegalArgumentException("instanceUrl must be https");
        }
        if (allowedHosts.stream().noneMatch(p -> p.matcher(host).matches())) {
            throw new IllegalArgumentException("instanceUrl host " + host + " is not an allowed BlueConic host");
        }
        if (uri.getPort() != -1 && uri.getPort() != 443) {
            throw new IllegalArgumentException("instanceUrl must use https's port 443");
        }
        return uri;
    }
}
