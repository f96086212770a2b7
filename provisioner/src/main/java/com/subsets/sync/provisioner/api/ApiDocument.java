package com.subsets.sync.provisioner.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /openapi.json} on the API port: the API's OpenAPI 3.1 document (openapi/provisioner-api.json), read
 * once at start. No token: it describes the endpoints and holds no secret and no tenant's data; being outside
 * {@code /v1/*}, no API guard applies to it. Mounted before the API's routes.
 */
public final class ApiDocument {

    public static final String PATH = "/openapi.json";
    static final String RESOURCE = "/openapi/provisioner-api.json";

    private ApiDocument() {
    }

    public static void mount(Router router) {
        Buffer document = Buffer.buffer(read());
        router.get(PATH).handler(ctx -> ctx.response().putHeader("content-type", "application/json").end(document));
    }

    private static byte[] read() {
        try (InputStream in = ApiDocument.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the API document " + RESOURCE + " is not on the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
