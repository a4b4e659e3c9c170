package org.telemetryhub.hub.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.SpecVersion;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.Hub;
import org.telemetryhub.hub.http.HostGuard;
import org.telemetryhub.hub.support.TestHub;
import org.telemetryhub.protocol.ErrorCode;

/**
 * The OpenAPI document against the hub that serves it: every route the router serves (and each WebSocket upgrade) is
 * documented and every documented route exists, a real OpenAPI parser accepts the document, it is served without a
 * session, and its page keeps the hub's strict Content-Security-Policy.
 */
class OpenApiCoverageTest {

    static TestHub hub;
    static final OpenApiDocument document = new OpenApiDocument();
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        // the broker routes exist only for an external broker, which need not be reachable for them to be served
        hub = TestHub.start(OpenApiExamplesTest.SETTINGS);
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Test
    void every_route_the_router_serves_is_documented_and_every_documented_route_is_served() {
        Set<String> served = new TreeSet<>();
        hub.hub.routes().forEach(route -> served.add(route.method() + " " + route.path()));
        Hub.socketPaths().forEach(path -> served.add("GET " + path));
        Set<String> documented = document.operations.values().stream().map(OpenApiDocument.Operation::route)
                .collect(Collectors.toCollection(TreeSet::new));

        Set<String> undocumented = new TreeSet<>(served);
        undocumented.removeAll(documented);
        Set<String> unserved = new TreeSet<>(documented);
        unserved.removeAll(served);
        assertEquals(Set.of(), undocumented, "routes the hub serves that the document leaves out");
        assertEquals(Set.of(), unserved, "routes the document names that the hub does not serve");
    }

    @Test
    void a_real_openapi_parser_reads_the_document_as_openapi_3_1_without_a_single_message() throws Exception {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(
                new ObjectMapper().writeValueAsString(document.root), null, options);

        assertEquals(List.of(), result.getMessages());
        OpenAPI api = result.getOpenAPI();
        assertNotNull(api);
        assertEquals(SpecVersion.V31, api.getSpecVersion());
        assertEquals("3.1.0", api.getOpenapi());
        assertEquals(document.operations.size(), api.getPaths().values().stream()
                .mapToInt(item -> item.readOperations().size()).sum());
    }

    @Test
    void every_operation_has_a_unique_id_a_summary_and_only_references_that_resolve() {
        List<String> problems = new ArrayList<>();
        Set<String> ids = new TreeSet<>();
        document.root.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            if (OpenApiDocument.METHODS.contains(op.getKey())) {
                String id = op.getValue().path("operationId").asText("");
                if (id.isEmpty() || !ids.add(id)) {
                    problems.add(op.getKey() + " " + path.getKey() + " needs an operationId of its own");
                }
                if (op.getValue().path("summary").asText("").isEmpty()) {
                    problems.add(op.getKey() + " " + path.getKey() + " needs a summary");
                }
            }
        }));
        collectRefs(document.root, problems);
        assertEquals(List.of(), problems);
    }

    @Test
    void the_documented_error_codes_are_exactly_the_contracts_error_codes() {
        Set<String> documented = new TreeSet<>();
        document.root.at("/components/schemas/ErrorCode/enum").forEach(code -> documented.add(code.asText()));

        assertEquals(Arrays.stream(ErrorCode.values()).map(ErrorCode::wire).collect(Collectors.toCollection(
                TreeSet::new)), documented);
    }

    @Test
    void the_document_is_served_as_json_without_a_session() throws Exception {
        HttpResponse<String> answer = get("/api/openapi.json");

        assertEquals(200, answer.statusCode());
        assertEquals("application/json; charset=utf-8", answer.headers().firstValue("Content-Type").orElse(""));
        assertEquals(document.root, new ObjectMapper().readTree(answer.body()));
    }

    @Test
    void the_docs_page_keeps_the_strict_content_security_policy_and_loads_only_files_of_the_hub() throws Exception {
        HttpResponse<String> page = get("/api/docs");

        assertEquals(200, page.statusCode());
        assertEquals("text/html; charset=utf-8", page.headers().firstValue("Content-Type").orElse(""));
        assertEquals(HostGuard.CONTENT_SECURITY_POLICY,
                page.headers().firstValue("Content-Security-Policy").orElse(""));
        assertFalse(HostGuard.CONTENT_SECURITY_POLICY.contains("unsafe"), HostGuard.CONTENT_SECURITY_POLICY);
        String html = page.body();
        assertFalse(Pattern.compile("<script(?![^>]*\\ssrc=)[^>]*>", Pattern.CASE_INSENSITIVE).matcher(html).find(),
                "every script of the page is a file: " + html);
        assertFalse(Pattern.compile("\\s(on[a-z]+|style)=", Pattern.CASE_INSENSITIVE).matcher(html).find(),
                "no inline handlers or styles: " + html);
        Matcher assets = Pattern.compile("(?:src|href)=\"([^\"]+)\"").matcher(html);
        List<String> loaded = new ArrayList<>();
        while (assets.find()) {
            String asset = assets.group(1);
            assertTrue(asset.startsWith("/"), asset + " is served by the hub itself");
            assertEquals(200, get(asset).statusCode(), asset);
            loaded.add(asset);
        }
        assertEquals(3, loaded.size(), "the stylesheet, Swagger UI and the page's own script: " + loaded);
    }

    /** Every {@code $ref} leads somewhere; and no key holds a space, as a comma inside a YAML flow mapping makes one. */
    private static void collectRefs(JsonNode node, List<String> problems) {
        if (node.isObject()) {
            node.fieldNames().forEachRemaining(name -> {
                if (name.contains(" ")) {
                    problems.add("a key with a space, \"" + name + "\": quote the value before it");
                }
            });
            JsonNode ref = node.get("$ref");
            if (ref != null && (!ref.asText().startsWith("#/") || document.root.at(ref.asText().substring(1))
                    .isMissingNode())) {
                problems.add("$ref " + ref.asText() + " leads nowhere");
            }
            node.forEach(child -> collectRefs(child, problems));
        } else if (node.isArray()) {
            node.forEach(child -> collectRefs(child, problems));
        }
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(hub.url() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
