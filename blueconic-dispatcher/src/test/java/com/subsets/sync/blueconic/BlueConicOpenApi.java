package com.subsets.sync.blueconic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * BlueConic's own OpenAPI 3.1 document (../shared/specs/blueconic-rest-v2-r103.openapi.json), used to
 * judge one HTTP exchange: the path and method exist, query parameters and bodies match their schemas
 * (JSON Schema 2020-12, which OpenAPI 3.1 uses), the status is documented and the answer's body matches
 * what is documented for it. Two errors of the document itself are worked around, and only these
 * (../shared/docs/destinations.md): {@code objectiveIds} of {@code PUT /profiles} is typed as one UUID
 * although it is a comma-separated list of objective ids, and {@code filterType} of
 * {@code GET /profileProperties} has its enum on the array (that parameter is never sent here).
 */
final class BlueConicOpenApi {

    static final Path SPEC = Path.of(System.getProperty("user.dir"), "..", "..", "shared", "specs",
            "blueconic-rest-v2-r103.openapi.json").normalize();
    private static final String BASE = "/rest/v2";
    private static final Pattern OBJECTIVE_LIST = Pattern.compile("[^,\\s]+(,[^,\\s]+)*");

    /** One request and its answer, as they crossed the wire. */
    /**
     * A query value as its schema types it (OpenAPI's default form style): an integer or boolean written as text, an
     * array as its one repeated value; text that does not parse stays text, for the schema to refuse.
     */
    private JsonNode queryValue(JsonNode schema, String value) {
        var nodes = mapper.getNodeFactory();
        switch (schema.path("type").asText()) {
            case "integer":
                try {
                    return nodes.numberNode(Long.parseLong(value));
                } catch (NumberFormatException e) {
                    return nodes.textNode(value);
                }
            case "boolean":
                return value.equals("true") || value.equals("false") ? nodes.booleanNode(Boolean.parseBoolean(value)) : nodes.textNode(value);
            case "array":
                return nodes.arrayNode().add(queryValue(schema.path("items"), value));
            default:
                return nodes.textNode(value);
        }
    }

    record Exchange(String method, String path, Map<String, String> query, String contentType, String requestBody,
                    int status, String responseBody) {
    }

    private final ObjectMapper mapper = new ObjectMapper();
    private final JsonNode document;
    private final JsonSchemaFactory schemas = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    BlueConicOpenApi() throws IOException {
        this.document = mapper.readTree(SPEC.toFile());
    }

    /** Everything wrong with an exchange, in words; empty when the document agrees with it. */
    List<String> violations(Exchange exchange) throws IOException {
        List<String> problems = new ArrayList<>();
        String where = exchange.method() + " " + exchange.path() + " -> " + exchange.status() + ": ";
        if (!exchange.path().startsWith(BASE)) {
            return List.of(where + "not under " + BASE);
        }
        JsonNode operation = operation(exchange.method().toLowerCase(java.util.Locale.ROOT), exchange.path().substring(BASE.length()));
        if (operation == null) {
            return List.of(where + "no such operation in the document");
        }
        for (JsonNode parameter : operation.path("parameters")) {
            if (!parameter.path("in").asText().equals("query")) {
                continue;
            }
            String name = parameter.path("name").asText();
            String value = exchange.query().get(name);
            if (value == null) {
                continue;
            }
            if (name.equals("objectiveIds")) {
                // The document's error: typed as one uuid, documented (and used) as a comma-separated list.
                if (!OBJECTIVE_LIST.matcher(value).matches()) {
                    problems.add(where + "query objectiveIds is not a comma-separated list: " + value);
                }
                continue;
            }
            problems.addAll(validate(parameter.path("schema"), queryValue(parameter.path("schema"), value), where + "query " + name));
        }
        exchange.query().keySet().stream().filter(q -> !parameterNames(operation).contains(q))
                .forEach(q -> problems.add(where + "undocumented query parameter " + q));
        if (exchange.requestBody() != null && !exchange.requestBody().isEmpty()) {
            JsonNode content = operation.path("requestBody").path("content");
            String type = exchange.contentType() == null ? "" : exchange.contentType().split(";")[0].trim();
            if (!content.has(type)) {
                problems.add(where + "request content type " + type + " is not documented (" + content.fieldNames().next() + ")");
            } else {
                JsonNode body = type.equals("application/x-www-form-urlencoded") ? form(exchange.requestBody())
                        : mapper.readTree(exchange.requestBody());
                problems.addAll(validate(content.path(type).path("schema"), body, where + "request body"));
            }
        }
        JsonNode response = operation.path("responses").path(String.valueOf(exchange.status()));
        if (response.isMissingNode()) {
            problems.add(where + "status " + exchange.status() + " is not documented for this operation");
        } else if (response.path("content").has("application/json")) {
            if (exchange.responseBody() == null || exchange.responseBody().isBlank()) {
                problems.add(where + "the document promises a JSON body; there was none");
            } else {
                problems.addAll(validate(response.path("content").path("application/json").path("schema"),
                        mapper.readTree(exchange.responseBody()), where + "response body"));
            }
        }
        return problems;
    }

    private JsonNode operation(String method, String path) {
        Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> entry = paths.next();
            String template = "\\Q" + entry.getKey().replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q") + "\\E";
            if (path.matches(template) && entry.getValue().has(method)) {
                return entry.getValue().get(method);
            }
        }
        return null;
    }

    private static List<String> parameterNames(JsonNode operation) {
        List<String> names = new ArrayList<>();
        operation.path("parameters").forEach(p -> names.add(p.path("name").asText()));
        return names;
    }

    /** The schema resolved inside the whole document, so its "#/components/..." references resolve. */
    private List<String> validate(JsonNode schema, JsonNode instance, String where) {
        ObjectNode root = document.deepCopy();
        schema.fields().forEachRemaining(field -> root.set(field.getKey(), field.getValue()));
        List<String> problems = new ArrayList<>();
        schemas.getSchema(root, SchemaValidatorsConfig.builder().build()).validate(instance)
                .forEach(message -> problems.add(where + ": " + message.getMessage()));
        return problems;
    }

    private ObjectNode form(String body) {
        ObjectNode form = mapper.createObjectNode();
        for (String pair : body.split("&")) {
            String[] kv = pair.split("=", 2);
            form.put(java.net.URLDecoder.decode(kv[0], java.nio.charset.StandardCharsets.UTF_8),
                    kv.length > 1 ? java.net.URLDecoder.decode(kv[1], java.nio.charset.StandardCharsets.UTF_8) : "");
        }
        return form;
    }
}
