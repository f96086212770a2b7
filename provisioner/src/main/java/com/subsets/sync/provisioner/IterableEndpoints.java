package com.subsets.sync.provisioner;

import com.subsets.sync.client.iterable.IterableRegion;
import java.net.URI;
import java.util.EnumMap;
import java.util.Map;

/**
 * Where each Iterable region's API is: Iterable's own hosts unless configured otherwise (a simulator,
 * a proxy). The provisioner resolves the region once and hands the URL to the dispatchers, so both
 * always talk to the same host.
 */
public final class IterableEndpoints {

    private final Map<IterableRegion, URI> urls;

    public IterableEndpoints(Map<IterableRegion, URI> overrides) {
        Map<IterableRegion, URI> all = new EnumMap<>(IterableRegion.class);
        for (IterableRegion region : IterableRegion.values()) {
            all.put(region, overrides.getOrDefault(region, region.baseUrl()));
        }
        this.urls = Map.copyOf(all);
    }

    public URI url(String region) {
        return urls.get(IterableRegion.of(region));
    }
}
