package com.subsets.sync.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.subsets.sync.model.EventCodec;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** The service's OpenAPI document, read as data: its operations' responses and their body schemas. */
final class OpenApiDocument {

    static final JsonNode DOCUMENT = load();

    record DocumentedResponse(String method, String path, int status, String mediaType, String schemaRef,
                              List<String> headers) {
        String key() {
            return method + " " + path + " " + status;
        }
    }

    private OpenApiDocument() {
    }

    static List<DocumentedResponse> responses() {
        List<DocumentedResponse> all = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = DOCUMENT.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (!op.getValue().has("responses")) {
                    continue; // "servers", "parameters": not an operation
                }
                for (Iterator<Map.Entry<String, JsonNode>> rs = op.getValue().get("responses").fields(); rs.hasNext(); ) {
                    Map.Entry<String, JsonNode> r = rs.next();
                    Map.Entry<String, JsonNode> content = r.getValue().get("content").fields().next();
                    JsonNode ref = content.getValue().get("schema").get("$ref");
                    List<String> headers = new ArrayList<>();
                    if (r.getValue().has("headers")) {
                        r.getValue().get("headers").fieldNames().forEachRemaining(headers::add);
                    }
                    all.add(new DocumentedResponse(op.getKey().toUpperCase(), path.getKey(), Integer.parseInt(r.getKey()),
                            content.getKey(), ref == null ? null : ref.asText(), headers));
                }
            }
        }
        return all;
    }

    /** What is wrong with {@code body} measured against the schema at {@code ref} (empty when it conforms). */
    static Set<String> problems(String ref, String body) {
        ObjectNode schema = DOCUMENT.deepCopy();
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        schema.put("$ref", ref);
        JsonSchema validator = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schema);
        try {
            return validator.validate(EventCodec.mapper().readTree(body)).stream()
                    .map(Object::toString).collect(Collectors.toSet());
        } catch (IOException e) {
            return Set.of("not JSON: " + e.getMessage());
        }
    }

    static Set<String> errorProblems(JsonObject body) {
        return problems("#/components/schemas/Error", body.encode());
    }

    private static JsonNode load() {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream("/openapi/ingest-api.json")) {
            return EventCodec.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
