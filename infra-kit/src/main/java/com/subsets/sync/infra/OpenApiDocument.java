package com.subsets.sync.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * A service's OpenAPI 3.1 document read as data, and the check that keeps it and the running service in agreement
 * (each service's {@code *OpenApiAgreementIT}): every documented response of every operation is produced by a real
 * request, with its status, media type, headers and a body that validates against the documented schema (JSON
 * Schema 2020-12, which OpenAPI 3.1 uses); a response without content has an empty body; and no response is
 * produced that the document does not list.
 *
 * <p>A response is named {@code "METHOD /path status"}. When its schema lists the error {@code code}s it may carry
 * ({@code "properties": {"code": {"enum": [...]}}} beside the {@code $ref}), each code is a response of its own,
 * {@code "METHOD /path status code"}, and must be produced too. Responses may be {@code $ref}s to
 * {@code #/components/responses/...}.
 */
public final class OpenApiDocument {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final JsonNode document;
    private final JsonSchemaFactory schemas = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    /** One documented response; {@code code} is null unless the response lists its error codes. */
    public record DocumentedResponse(String method, String path, int status, String code, String mediaType, String schemaPointer,
                                     List<String> headers) {
        public String key() {
            return method + " " + path + " " + status + (code == null ? "" : " " + code);
        }
    }

    /** What a request got back; header names lower case. */
    public record Answer(int status, Map<String, String> headers, String body) {

        public static Answer of(HttpResponse<String> response) {
            Map<String, String> headers = new LinkedHashMap<>();
            response.headers().map().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), String.join(", ", values)));
            return new Answer(response.statusCode(), headers, response.body() == null ? "" : response.body());
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private OpenApiDocument(JsonNode document) {
        this.document = document;
    }

    /** The document at {@code resource} on the classpath, e.g. {@code /openapi/ingest-api.json}. */
    public static OpenApiDocument fromClasspath(String resource) {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no resource " + resource + " on the classpath");
            }
            return new OpenApiDocument(MAPPER.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public JsonNode json() {
        return document;
    }

    /** Every documented response of every operation (a response listing codes counts once per code). */
    public List<DocumentedResponse> responses() {
        List<DocumentedResponse> all = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (!op.getValue().has("responses")) {
                    continue; // "servers", "parameters": not an operation
                }
                for (Iterator<Map.Entry<String, JsonNode>> rs = op.getValue().get("responses").fields(); rs.hasNext(); ) {
                    Map.Entry<String, JsonNode> r = rs.next();
                    String pointer = "/paths/" + escape(path.getKey()) + "/" + op.getKey() + "/responses/" + r.getKey();
                    if (r.getValue().has("$ref")) {
                        pointer = r.getValue().get("$ref").asText().substring(1);
                    }
                    all.addAll(documented(op.getKey().toUpperCase(Locale.ROOT), path.getKey(), Integer.parseInt(r.getKey()), pointer));
                }
            }
        }
        return all;
    }

    private List<DocumentedResponse> documented(String method, String path, int status, String responsePointer) {
        JsonNode response = document.at(responsePointer);
        if (response.isMissingNode()) {
            throw new IllegalStateException(method + " " + path + " " + status + ": nothing at #" + responsePointer);
        }
        List<String> headers = new ArrayList<>();
        if (response.has("headers")) {
            response.get("headers").fieldNames().forEachRemaining(headers::add);
        }
        if (!response.has("content")) {
            return List.of(new DocumentedResponse(method, path, status, null, null, null, headers));
        }
        Map.Entry<String, JsonNode> content = response.get("content").fields().next();
        String schemaPointer = "#" + responsePointer + "/content/" + escape(content.getKey()) + "/schema";
        JsonNode codes = content.getValue().path("schema").path("properties").path("code").path("enum");
        if (!codes.isArray()) {
            return List.of(new DocumentedResponse(method, path, status, null, content.getKey(), schemaPointer, headers));
        }
        List<DocumentedResponse> perCode = new ArrayList<>();
        codes.forEach(code -> perCode.add(new DocumentedResponse(method, path, status, code.asText(), content.getKey(),
                schemaPointer, headers)));
        return perCode;
    }

    /** What is wrong with {@code body} measured against the schema at {@code pointer} (empty when it conforms). */
    public Set<String> problems(String pointer, String body) {
        // The schema itself as the root, beside the document's components that its $refs name: a pointer into
        // "paths" would hold the path's braces, which are no URI characters.
        JsonNode at = document.at(pointer.startsWith("#") ? pointer.substring(1) : pointer);
        if (!at.isObject()) {
            throw new IllegalArgumentException("no schema at " + pointer);
        }
        ObjectNode schema = ((ObjectNode) at).deepCopy();
        schema.set("components", document.get("components"));
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        JsonSchema validator = schemas.getSchema(schema);
        try {
            return validator.validate(MAPPER.readTree(body)).stream().map(Object::toString).collect(Collectors.toSet());
        } catch (IOException e) {
            return Set.of("not JSON: " + e.getMessage());
        }
    }

    /**
     * Runs the request named for each documented response and lists every disagreement: a documented response with
     * no request to produce it, a request that produced something else (status, media type, a documented header
     * missing, a body off its schema, another error code), and a request named for a response the document does
     * not list. Empty when document and service agree.
     */
    public List<String> disagreements(Map<String, Callable<Answer>> producers) {
        List<String> problems = new ArrayList<>();
        Set<String> documentedKeys = new LinkedHashSet<>();
        for (DocumentedResponse doc : responses()) {
            documentedKeys.add(doc.key());
            Callable<Answer> producer = producers.get(doc.key());
            if (producer == null) {
                problems.add(doc.key() + ": documented, but no request here produces it");
                continue;
            }
            Answer answer;
            try {
                answer = producer.call();
            } catch (Exception e) {
                problems.add(doc.key() + ": the request failed: " + e);
                continue;
            }
            problems.addAll(compare(doc, answer));
        }
        Set<String> undocumented = new TreeSet<>(producers.keySet());
        undocumented.removeAll(documentedKeys);
        undocumented.forEach(key -> problems.add(key + ": produced here, but not in the document"));
        return problems;
    }

    private List<String> compare(DocumentedResponse doc, Answer answer) {
        List<String> problems = new ArrayList<>();
        String got = " (got " + answer.status() + " " + clip(answer.body()) + ")";
        if (answer.status() != doc.status()) {
            problems.add(doc.key() + ": status " + answer.status() + got);
            return problems;
        }
        String type = answer.header("content-type");
        if (doc.mediaType() == null) {
            if (!answer.body().isEmpty()) {
                problems.add(doc.key() + ": documented without content, answered with a body" + got);
            }
        } else {
            if (type == null || !type.toLowerCase(Locale.ROOT).startsWith(doc.mediaType())) {
                problems.add(doc.key() + ": media type " + type + ", documented " + doc.mediaType());
            }
            // A body in another media type (Prometheus text) is measured as one string.
            String json = doc.mediaType().endsWith("json") ? answer.body() : MAPPER.valueToTree(answer.body()).toString();
            problems.addAll(problems(doc.schemaPointer(), json).stream()
                    .map(p -> doc.key() + ": body off its schema: " + p + got).toList());
        }
        for (String header : doc.headers()) {
            String value = answer.header(header);
            if (value == null || value.isBlank()) {
                problems.add(doc.key() + ": documented header " + header + " missing");
            }
        }
        if (doc.code() != null && problems.isEmpty()) {
            String code = readQuietly(answer.body()).path("code").asText(null);
            if (!doc.code().equals(code)) {
                problems.add(doc.key() + ": code " + code + got);
            }
        }
        return problems;
    }

    private static JsonNode readQuietly(String body) {
        try {
            return MAPPER.readTree(body);
        } catch (IOException e) {
            return MAPPER.missingNode();
        }
    }

    private static String clip(String body) {
        return body.length() <= 300 ? body : body.substring(0, 300) + "…";
    }

    /** A JSON Pointer token: {@code ~} as {@code ~0}, {@code /} as {@code ~1}. */
    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}
