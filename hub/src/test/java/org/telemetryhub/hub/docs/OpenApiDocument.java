package org.telemetryhub.hub.docs;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.telemetryhub.hub.http.ApiDocsRoutes;

/** The hub's OpenAPI document as the tests read it: its operations, their examples, and the order to run them in. */
final class OpenApiDocument {

    static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    /** One operation: where it lives in the document, and its parameters with path-level ones merged in. */
    record Operation(String id, String method, String path, JsonNode node, List<JsonNode> parameters) {

        String route() {
            return method.toUpperCase() + " " + path;
        }

        /** JSON pointer of this operation in the document. */
        String pointer() {
            return "/paths/" + escape(path) + "/" + method;
        }

        /** Every example name the operation documents: in parameters, the request body, responses, or x-examples. */
        Set<String> exampleNames() {
            Set<String> names = new LinkedHashSet<>();
            parameters.forEach(parameter -> names.addAll(fieldNames(parameter.path("examples"))));
            node.path("requestBody").path("content").forEach(media -> names.addAll(fieldNames(media.path("examples"))));
            node.path("responses").forEach(response -> names.addAll(responseExamples(response)));
            node.path("x-examples").forEach(name -> names.add(name.asText()));
            return names;
        }

        /** The statuses whose documented answer names this example. */
        Set<String> statusesOf(String example) {
            Set<String> statuses = new LinkedHashSet<>();
            node.path("responses").fields().forEachRemaining(response -> {
                if (responseExamples(response.getValue()).contains(example)) {
                    statuses.add(response.getKey());
                }
            });
            return statuses;
        }

        private static Set<String> responseExamples(JsonNode response) {
            Set<String> names = new LinkedHashSet<>();
            response.path("content").forEach(media -> names.addAll(fieldNames(media.path("examples"))));
            response.path("x-examples").forEach(name -> names.add(name.asText()));
            return names;
        }
    }

    /** One entry of {@code x-examples-run}. */
    record Run(String operation, String example, int status, Map<String, String> headers, Map<String, String> keep,
               String until) {

        String name() {
            return operation + "/" + example;
        }
    }

    final JsonNode root = ApiDocsRoutes.document();
    final Map<String, Operation> operations = new LinkedHashMap<>();

    OpenApiDocument() {
        root.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(entry -> {
            if (!METHODS.contains(entry.getKey())) {
                return;
            }
            JsonNode operation = entry.getValue();
            Map<String, JsonNode> parameters = new LinkedHashMap<>();
            for (JsonNode parameter : path.getValue().path("parameters")) {
                JsonNode resolved = resolve(parameter);
                parameters.put(resolved.path("in").asText() + ":" + resolved.path("name").asText(), resolved);
            }
            for (JsonNode parameter : operation.path("parameters")) {
                JsonNode resolved = resolve(parameter);
                parameters.put(resolved.path("in").asText() + ":" + resolved.path("name").asText(), resolved);
            }
            String id = operation.path("operationId").asText();
            operations.put(id, new Operation(id, entry.getKey(), path.getKey(), operation,
                    new ArrayList<>(parameters.values())));
        }));
    }

    List<Run> runs() {
        List<Run> runs = new ArrayList<>();
        for (JsonNode entry : root.path("x-examples-run")) {
            String[] name = entry.path("example").asText().split("/", 2);
            runs.add(new Run(name[0], name[1], entry.path("status").asInt(), texts(entry.path("headers")),
                    texts(entry.path("keep")), entry.hasNonNull("until") ? entry.get("until").asText() : null));
        }
        return runs;
    }

    /** A {@code $ref} within the document, followed; anything else as it is. */
    JsonNode resolve(JsonNode node) {
        JsonNode ref = node.get("$ref");
        return ref == null ? node : resolve(root.at(ref.asText().substring(1)));
    }

    static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new LinkedHashSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    private static Map<String, String> texts(JsonNode node) {
        Map<String, String> map = new LinkedHashMap<>();
        node.fields().forEachRemaining(field -> map.put(field.getKey(), field.getValue().asText()));
        return map;
    }
}
