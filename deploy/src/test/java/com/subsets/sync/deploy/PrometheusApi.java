package com.subsets.sync.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/** Prometheus' HTTP API (v1), as Grafana and an operator call it. */
final class PrometheusApi {

    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    PrometheusApi(String address) {
        this.base = "http://" + address + "/api/v1/";
    }

    /** Its answer, {@code status} {@code success} or {@code error} (with {@code error}), whatever the HTTP status. */
    JsonNode get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        return json.readTree(response.body());
    }

    JsonNode queryRange(String query, Instant start, Instant end, Duration step) throws Exception {
        return get("query_range?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8) + "&start=" + start.getEpochSecond()
                + "&end=" + end.getEpochSecond() + "&step=" + step.toSeconds() + "s");
    }

    JsonNode query(String query) throws Exception {
        return get("query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
    }

    JsonNode targets() throws Exception {
        return get("targets?state=active");
    }

    JsonNode rules() throws Exception {
        return get("rules?type=alert");
    }
}
