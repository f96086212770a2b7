package com.subsets.sync.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.infra.OpenApiDocument.Answer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/** The agreement check finds each way a service and its document can disagree, and nothing when they agree. */
class OpenApiDocumentTest {

    private static final OpenApiDocument DOCUMENT = OpenApiDocument.fromClasspath("/openapi/sample-api.json");
    private static final Map<String, String> JSON = Map.of("content-type", "application/json");

    private static Map<String, Callable<Answer>> agreeing() {
        Map<String, Callable<Answer>> producers = new LinkedHashMap<>();
        producers.put("GET /things/{id} 200", () -> new Answer(200, JSON, "{\"id\":\"a\"}"));
        producers.put("GET /things/{id} 404 not_found", () -> new Answer(404, JSON, "{\"code\":\"not_found\"}"));
        producers.put("GET /things/{id} 404 unknown_kind", () -> new Answer(404, JSON, "{\"code\":\"unknown_kind\"}"));
        producers.put("DELETE /things/{id} 204", () -> new Answer(204, Map.of(), ""));
        producers.put("DELETE /things/{id} 503 unavailable", () -> new Answer(503,
                Map.of("content-type", "application/json; charset=utf-8", "retry-after", "5"), "{\"code\":\"unavailable\"}"));
        return producers;
    }

    @Test
    void aResponseListingItsCodesCountsOncePerCodeAndReferencedResponsesAreRead() {
        assertThat(DOCUMENT.responses()).extracting(OpenApiDocument.DocumentedResponse::key).containsExactly(
                "GET /things/{id} 200", "GET /things/{id} 404 not_found", "GET /things/{id} 404 unknown_kind",
                "DELETE /things/{id} 204", "DELETE /things/{id} 503 unavailable");
    }

    @Test
    void agreementIsNoDisagreement() {
        assertThat(DOCUMENT.disagreements(agreeing())).isEmpty();
    }

    @Test
    void everyKindOfDisagreementIsListed() {
        Map<String, Callable<Answer>> producers = agreeing();
        producers.remove("GET /things/{id} 404 unknown_kind");
        producers.put("GET /things/{id} 200", () -> new Answer(200, JSON, "{\"id\":\"a\",\"secret\":\"x\"}"));
        producers.put("GET /things/{id} 404 not_found", () -> new Answer(404, JSON, "{\"code\":\"unknown_kind\"}"));
        producers.put("DELETE /things/{id} 204", () -> new Answer(200, JSON, "{}"));
        producers.put("DELETE /things/{id} 503 unavailable", () -> new Answer(503, Map.of("content-type", "text/plain"),
                "{\"code\":\"other\"}"));
        producers.put("PATCH /things/{id} 405", () -> new Answer(405, JSON, "{}"));

        assertThat(DOCUMENT.disagreements(producers)).satisfiesExactlyInAnyOrder(
                p -> assertThat(p).startsWith("GET /things/{id} 200: body off its schema"),
                p -> assertThat(p).startsWith("GET /things/{id} 404 not_found: code unknown_kind"),
                p -> assertThat(p).startsWith("GET /things/{id} 404 unknown_kind: documented, but no request here produces it"),
                p -> assertThat(p).startsWith("DELETE /things/{id} 204: status 200"),
                p -> assertThat(p).startsWith("DELETE /things/{id} 503 unavailable: media type text/plain"),
                p -> assertThat(p).startsWith("DELETE /things/{id} 503 unavailable: body off its schema"),
                p -> assertThat(p).startsWith("DELETE /things/{id} 503 unavailable: documented header Retry-After missing"),
                p -> assertThat(p).startsWith("PATCH /things/{id} 405: produced here, but not in the document"));
    }

    @Test
    void aResponseWithoutContentMustHaveNoBody() {
        Map<String, Callable<Answer>> producers = agreeing();
        producers.put("DELETE /things/{id} 204", () -> new Answer(204, Map.of(), "{}"));
        assertThat(DOCUMENT.disagreements(producers)).singleElement().asString()
                .startsWith("DELETE /things/{id} 204: documented without content, answered with a body");
    }
}
