package com.subsets.sync.provisioner.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Reads a request body as ingest reads events: one JSON object, every key once (a repeated key is refused, never
 * "the last one wins", which two readers may see differently), nothing after it, and no NUL anywhere (PostgreSQL
 * stores none in text or jsonb). Messages never quote the body: it may hold a secret.
 */
final class StrictJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private StrictJson() {
    }

    @SuppressWarnings("unchecked")
    static JsonObject object(Buffer body) {
        Object parsed;
        try {
            parsed = MAPPER.readValue(body.getBytes(), Object.class);
        } catch (JsonParseException e) {
            String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
            if (original.startsWith("Duplicate field")) {
                throw new ApiException(400, "malformed_json", "the body repeats a key (" + clip(original) + "); each key once");
            }
            throw malformed(e);
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new ApiException(400, "malformed_json", "the body could not be read as JSON");
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new ApiException(400, "malformed_json", "the body must be a JSON object");
        }
        if (holdsNul(map)) {
            throw new ApiException(400, "invalid_text", "a key or text value holds a NUL character (\\u0000), which cannot be stored");
        }
        return new JsonObject((Map<String, Object>) map);
    }

    private static ApiException malformed(JsonProcessingException e) {
        String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        return new ApiException(400, "malformed_json", "the body is not valid JSON" + where);
    }

    private static boolean holdsNul(Object value) {
        if (value instanceof String text) {
            return text.indexOf('\0') >= 0;
        }
        if (value instanceof Map<?, ?> map) {
            return map.entrySet().stream().anyMatch(e -> holdsNul(e.getKey()) || holdsNul(e.getValue()));
        }
        if (value instanceof List<?> list) {
            return list.stream().anyMatch(StrictJson::holdsNul);
        }
        return false;
    }

    /** A key name from Jackson's message, short (keys are no secret, but stay bounded). */
    private static String clip(String text) {
        String oneLine = text.replaceAll("\\p{Cntrl}", "?");
        return oneLine.length() <= 120 ? oneLine : oneLine.substring(0, 120) + "…";
    }
}
