package org.telemetryhub.hub.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;

/**
 * The HTTP API's own description: {@code GET /api/openapi.json}, the OpenAPI document of every route (written as
 * {@code openapi.yaml} on the classpath, served as JSON), and {@code GET /api/docs}, a page that shows it with Swagger
 * UI. Neither needs a session: the document holds no secret. The page's scripts are files, so it keeps the hub's
 * Content-Security-Policy without {@code 'unsafe-inline'}.
 */
public final class ApiDocsRoutes {

    /** The document on the classpath, in YAML. */
    public static final String DOCUMENT = "openapi.yaml";
    private static final String PAGE = "openapi-page.html";

    private final byte[] document;
    private final byte[] page;

    public ApiDocsRoutes() {
        document = json(read(DOCUMENT));
        page = read(PAGE);
    }

    public void register(Router router) {
        router.add("GET", "/api/openapi.json", exchange -> send(exchange, "application/json; charset=utf-8",
                document));
        router.add("GET", "/api/docs", exchange -> send(exchange, "text/html; charset=utf-8", page));
    }

    /** The document as the hub serves it, parsed: for tests. */
    public static JsonNode document() {
        try {
            return new ObjectMapper().readTree(json(read(DOCUMENT)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void send(Exchange exchange, String type, byte[] bytes) {
        exchange.response().setStatus(200);
        exchange.response().getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        exchange.response().getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        exchange.response().write(true, ByteBuffer.wrap(bytes), exchange.callback());
    }

    private static byte[] json(byte[] yaml) {
        try {
            JsonNode tree = new ObjectMapper(new YAMLFactory()).readTree(yaml);
            return new ObjectMapper().writeValueAsBytes(tree);
        } catch (IOException e) {
            throw new IllegalStateException("the OpenAPI document " + DOCUMENT + " is not valid YAML", e);
        }
    }

    private static byte[] read(String resource) {
        try (InputStream in = ApiDocsRoutes.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the classpath holds no " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
