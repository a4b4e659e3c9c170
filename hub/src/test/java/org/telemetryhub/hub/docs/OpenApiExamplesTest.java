package org.telemetryhub.hub.docs;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;


import java.io.IOException;





import java.net.URLEncoder;


import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;


import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.docs.ExampleClient.Answer;
import org.telemetryhub.hub.docs.ExampleClient.Request;
import org.telemetryhub.hub.support.TestHub;

/**
 * Sends every example of the OpenAPI document to one real hub, in the order its {@code x-examples-run} states, and
 * checks each answer: the documented status, the documented headers, and a body that the schema documented for that
 * status accepts (validated by a JSON Schema 2020-12 validator, as OpenAPI 3.1 schemas are).
 */
class OpenApiExamplesTest {

    static final String BROKER_SECRET = "broker-secret-0123456789";
    /** An external broker (for the broker routes; none answers there) and webhooks that may name loopback. */
    static final Map<String, String> SETTINGS = Map.of("mqtt.mode", "external",
            "mqtt.brokerUrl", "mqtt://127.0.0.1:1", "mqtt.brokerSecret", BROKER_SECRET,
            "alerts.webhooks.allowPrivate", "true");
    private static final String DOCUMENT_IRI = "https://telemetryhub.invalid/openapi.json";
    private static final Pattern PLACEHOLDER = Pattern.compile("<([A-Za-z][A-Za-z0-9]*)([+-][0-9]+)?>");
    private static final ObjectMapper JSON = new ObjectMapper();

    static TestHub hub;
    static final OpenApiDocument document = new OpenApiDocument();
    static SchemaRegistry schemas;
    static ExampleClient client;

    /** What the examples' placeholders stand for: the hub's settings and clock, and what answers handed out. */
    final Map<String, JsonNode> values = new HashMap<>();

    @BeforeAll
    static void start() throws IOException {
        hub = TestHub.start(SETTINGS);
        client = new ExampleClient(hub);
        String text = JSON.writeValueAsString(document.root);
        schemas = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                builder -> builder.schemas(Map.of(DOCUMENT_IRI, text)));
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Test
    void every_documented_example_is_run_once_with_the_status_its_answer_is_documented_under() {
        List<String> problems = new ArrayList<>();
        Set<String> run = new LinkedHashSet<>();
        for (OpenApiDocument.Run entry : document.runs()) {
            OpenApiDocument.Operation operation = document.operations.get(entry.operation());
            if (operation == null) {
                problems.add(entry.name() + " names no operation");
                continue;
            }
            if (!run.add(entry.name())) {
                problems.add(entry.name() + " is run twice");
            }
            if (!operation.exampleNames().contains(entry.example())) {
                problems.add(entry.name() + " is not an example of " + operation.route());
            }
            Set<String> statuses = operation.statusesOf(entry.example());
            if (!statuses.isEmpty() && !statuses.equals(Set.of(String.valueOf(entry.status())))) {
                problems.add(entry.name() + " runs for " + entry.status() + " but its answer is documented under "
                        + statuses);
            }
            if (operation.node().path("responses").path(String.valueOf(entry.status())).isMissingNode()) {
                problems.add(entry.name() + " expects " + entry.status() + ", which " + operation.route()
                        + " does not document");
            }
        }
        Set<String> documented = new TreeSet<>();
        document.operations.values().forEach(operation -> {
            if (operation.exampleNames().isEmpty()) {
                problems.add(operation.route() + " has no example");
            }
            operation.exampleNames().forEach(name -> documented.add(operation.id() + "/" + name));
        });
        documented.removeAll(run);
        assertEquals(Set.of(), documented, "examples the run leaves out");
        assertEquals(List.of(), problems);
    }

    @Test
    void every_example_in_the_stated_order_gets_its_documented_status_and_a_body_its_schema_accepts()
            throws Exception {
        values.put("now", LongNode.valueOf(hub.clock.millis()));
        values.put("adminPassword", TextNode.valueOf(TestHub.ADMIN_PASSWORD));
        values.put("brokerSecret", TextNode.valueOf(BROKER_SECRET));
        List<String> problems = new ArrayList<>();
        for (OpenApiDocument.Run run : document.runs()) {
            OpenApiDocument.Operation operation = document.operations.get(run.operation());
            Request request = request(operation, run);
            Answer answer = run.until() == null ? client.send(operation, request) : sendUntil(operation, run, request);
            List<String> wrong = check(operation, run, answer);
            if (!wrong.isEmpty()) {
                problems.add(run.name() + " (" + request.method() + " " + request.target() + "): " + wrong);
                continue;
            }
            run.keep().forEach((name, pointer) -> {
                JsonNode kept = parse(answer.body()).at(pointer);
                if (kept.isMissingNode()) {
                    problems.add(run.name() + ": the answer holds no " + pointer + " to keep as <" + name + ">");
                } else {
                    values.put(name, kept);
                }
            });
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void every_documented_json_answer_example_is_accepted_by_the_schema_documented_beside_it() {
        List<String> problems = new ArrayList<>();
        document.operations.values().forEach(operation -> operation.node().path("responses").fields()
                .forEachRemaining(response -> {
                    String pointer = operation.pointer() + "/responses/" + response.getKey()
                            + "/content/application~1json";
                    response.getValue().path("content").path("application/json").path("examples").fields()
                            .forEachRemaining(example -> problems.addAll(validate(pointer + "/schema",
                                    example.getValue().path("value").toString()).stream()
                                    .map(error -> operation.id() + "/" + example.getKey() + ": " + error).toList()));
                }));
        assertEquals(List.of(), problems);
    }

    /** The example's request: its parameters and body from the document, placeholders filled in. */
    private Request request(OpenApiDocument.Operation operation, OpenApiDocument.Run run) throws IOException {
        String path = operation.path();
        List<String> query = new ArrayList<>();
        Map<String, String> headers = new LinkedHashMap<>();
        for (JsonNode parameter : operation.parameters()) {
            JsonNode value = parameter.path("examples").path(run.example()).get("value");
            if (value == null && parameter.path("required").asBoolean()) {
                // a path parameter's usual value: its example, or else the first of its schema's examples
                value = parameter.has("example") ? parameter.get("example")
                        : parameter.path("schema").path("examples").get(0);
            }
            if (value == null) {
                continue;
            }
            String text = fill(value).asText();
            String name = parameter.path("name").asText();
            switch (parameter.path("in").asText()) {
                case "path" -> path = path.replace("{" + name + "}", encode(text));
                case "query" -> query.add(encode(name) + "=" + encode(text));
                case "header" -> headers.put(name, text);
                default -> throw new IllegalStateException("parameter in " + parameter.path("in"));
            }
        }
        String body = null;
        JsonNode content = operation.node().path("requestBody").path("content");
        if (content.size() > 0) {
            String media = content.fieldNames().next();
            JsonNode example = content.path(media).path("examples").path(run.example()).get("value");
            if (example != null) {
                body = JSON.writeValueAsString(fill(example));
                headers.put("Content-Type", media);
            }
        }
        run.headers().forEach((name, value) -> headers.put(name, fill(TextNode.valueOf(value)).asText()));
        return new Request(operation.method().toUpperCase(Locale.ROOT),
                path + (query.isEmpty() ? "" : "?" + String.join("&", query)), headers, body);
    }

    private Answer sendUntil(OpenApiDocument.Operation operation, OpenApiDocument.Run run, Request request) {
        Answer[] last = new Answer[1];
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
            last[0] = client.send(operation, request);
            return last[0].status() == run.status() && !parse(last[0].body()).at(run.until()).isMissingNode();
        });
        return last[0];
    }

    /** What is wrong with an answer: its status, a documented header it lacks, or a body its schema refuses. */
    private List<String> check(OpenApiDocument.Operation operation, OpenApiDocument.Run run, Answer answer) {
        List<String> wrong = new ArrayList<>();
        if (answer.status() != run.status()) {
            wrong.add("status " + answer.status() + ", not " + run.status() + ", with " + answer.body());
            return wrong;
        }
        String status = String.valueOf(answer.status());
        JsonNode raw = operation.node().path("responses").path(status);
        String pointer = raw.has("$ref") ? raw.get("$ref").asText().substring(1)
                : operation.pointer() + "/responses/" + status;
        JsonNode response = document.resolve(raw);
        response.path("headers").fieldNames().forEachRemaining(header -> {
            if (!answer.headers().containsKey(header.toLowerCase(Locale.ROOT))) {
                wrong.add("no " + header + " header");
            }
        });
        JsonNode content = response.path("content");
        if (content.isEmpty()) {
            if (!answer.body().isEmpty()) {
                wrong.add("a body where none is documented: " + answer.body());
            }
            return wrong;
        }
        String media = answer.contentType().split(";")[0].trim();
        JsonNode documented = content.get(media);
        if (documented == null) {
            wrong.add("Content-Type " + answer.contentType() + " is not documented");
            return wrong;
        }
        String schema = pointer + "/content/" + OpenApiDocument.escape(media) + "/schema";
        JsonNode example = documented.path("examples").path(run.example()).path("value");
        // an error's message may quote a placeholder of its own (Bearer <token>): only known values are filled in
        if (example.has("error") && !fill(example, false).equals(parse(answer.body()))) {
            wrong.add("the documented error " + fill(example, false) + ", not " + answer.body());
        }
        switch (media) {
            case "application/json" -> wrong.addAll(validate(schema, answer.body()));
            case "text/event-stream" -> wrong.addAll(validate(documented.path("x-event-data").asText().substring(1),
                    answer.body()));
            case "application/x-ndjson" -> answer.body().lines().forEach(line ->
                    wrong.addAll(validate(documented.path("x-line").asText().substring(1), line)));
            default -> {
                if (answer.body().isBlank()) {
                    wrong.add("an empty " + media + " body");
                }
            }
        }
        return wrong;
    }

    /** Validates JSON against the schema at this pointer of the document; its references resolve in the document. */
    private static List<String> validate(String pointer, String json) {
        if (json.isBlank()) {
            return List.of("no body to validate against " + pointer);
        }
        String schema;
        try {
            schema = JSON.writeValueAsString(document.root.at(pointer))
                    .replace("\"$ref\":\"#/", "\"$ref\":\"" + DOCUMENT_IRI + "#/");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return schemas.getSchema(schema, InputFormat.JSON).validate(json, InputFormat.JSON).stream()
                .map(error -> error.toString() + " in " + json).toList();
    }

    /** A copy of an example value with its placeholders filled in; a whole-value placeholder keeps its JSON type. */
    private JsonNode fill(JsonNode node) {
        return fill(node, true);
    }

    /** As {@link #fill(JsonNode)}; unless {@code strict}, a placeholder without a value stays as it is written. */
    private JsonNode fill(JsonNode node, boolean strict) {
        if (node.isTextual()) {
            Matcher whole = PLACEHOLDER.matcher(node.asText());
            if (whole.matches()) {
                return value(whole, strict);
            }
            Matcher part = PLACEHOLDER.matcher(node.asText());
            StringBuilder filled = new StringBuilder();
            while (part.find()) {
                part.appendReplacement(filled, Matcher.quoteReplacement(value(part, strict).asText()));
            }
            part.appendTail(filled);
            return TextNode.valueOf(filled.toString());
        }
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            node.fields().forEachRemaining(field -> copy.set(field.getKey(), fill(field.getValue(), strict)));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            node.forEach(item -> copy.add(fill(item, strict)));
            return copy;
        }
        return node;
    }

    private JsonNode value(Matcher placeholder, boolean strict) {
        JsonNode value = values.get(placeholder.group(1));
        if (value == null && !strict) {
            return TextNode.valueOf(placeholder.group());
        }
        if (value == null) {
            throw new AssertionError("no earlier answer kept a value for <" + placeholder.group(1) + ">");
        }
        return placeholder.group(2) == null ? value : LongNode.valueOf(value.asLong()
                + Long.parseLong(placeholder.group(2)));
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JsonNodeFactory.instance.missingNode();
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
