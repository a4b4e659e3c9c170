package org.telemetryhub.hub.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.support.TestHub;

/** The dashboard's files and webjars, served from memory: types, caching, HEAD, and 404 for anything else. */
class StaticFilesTest {

    static TestHub hub;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        hub = TestHub.start();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Test
    void the_root_serves_the_dashboard_page_revalidated_on_every_load() throws Exception {
        HttpResponse<String> page = get("GET", "/");

        assertEquals(200, page.statusCode());
        assertEquals("text/html;charset=utf-8", page.headers().firstValue("Content-Type").orElse(""));
        assertEquals("no-cache", page.headers().firstValue("Cache-Control").orElse(""));
        assertTrue(page.body().contains("<html"), page.body());
    }

    @Test
    void a_webjar_the_page_links_is_served_with_its_type_and_cached_for_a_year() throws Exception {
        Matcher link = Pattern.compile("href=\"(webjars/[^\"]+\\.css)\"")
                .matcher(get("GET", "/").body());
        assertTrue(link.find(), "the page links a webjar stylesheet");

        HttpResponse<String> css = get("GET", "/" + link.group(1));

        assertEquals(200, css.statusCode());
        assertEquals("text/css;charset=utf-8", css.headers().firstValue("Content-Type").orElse(""));
        assertEquals("public, max-age=31536000, immutable", css.headers().firstValue("Cache-Control").orElse(""));
    }

    @Test
    void head_answers_the_length_without_a_body() throws Exception {
        HttpResponse<String> full = get("GET", "/js/main.js");
        HttpResponse<String> head = get("HEAD", "/js/main.js");

        assertEquals(200, head.statusCode());
        assertEquals(String.valueOf(full.body().getBytes(StandardCharsets.UTF_8).length),
                head.headers().firstValue("Content-Length").orElse(""));
        assertEquals("", head.body());
    }

    @Test
    void an_unknown_path_or_a_folder_is_not_found() throws Exception {
        assertEquals(404, get("GET", "/no-such-file.js").statusCode());
        assertEquals(404, get("GET", "/js/").statusCode());
        assertEquals(404, get("GET", "/webjars/").statusCode());
    }

    private static HttpResponse<String> get(String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(hub.url() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
