package org.telemetryhub.hub.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Rules for the dashboard's own files under dashboard/src/main/web, checked on the source: device data reaches the
 * page as text only, nothing needs an inline script or style (the CSP forbids both), nothing loads from elsewhere.
 */
class DashboardSourceTest {

    static final Path WEB = Path.of(System.getProperty("project.root", ".."), "dashboard", "src", "main", "web");

    static final Pattern WRITES_HTML = Pattern.compile(
            "innerHTML|outerHTML|insertAdjacentHTML|document\\.write|\\beval\\s*\\(|new\\s+Function\\s*\\(");
    static final Pattern INLINE_SCRIPT = Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>|<script[^>]*>[^<\\s]");
    static final Pattern INLINE_STYLE = Pattern.compile("<style|\\sstyle\\s*=", Pattern.CASE_INSENSITIVE);
    static final Pattern INLINE_HANDLER = Pattern.compile("<[^>]*\\son[a-z]+\\s*=", Pattern.CASE_INSENSITIVE);
    static final Pattern OTHER_ORIGIN = Pattern.compile("https?://|(?:src|href)=\"//|from \"//|url\\(\\s*['\"]?//");

    @Test
    void dashboard_code_never_writes_html() {
        assertEquals(List.of(), findings(WRITES_HTML, ".js", ".html"));
    }

    @Test
    void dashboard_has_no_inline_scripts_styles_or_event_handlers() {
        assertEquals(List.of(), findings(INLINE_SCRIPT, ".html"));
        assertEquals(List.of(), findings(INLINE_STYLE, ".html"));
        assertEquals(List.of(), findings(INLINE_HANDLER, ".html"));
    }

    @Test
    void dashboard_loads_nothing_from_another_origin() {
        assertEquals(List.of(), findings(OTHER_ORIGIN, ".js", ".html", ".css"));
    }

    @Test
    void the_rules_catch_what_they_are_for() {
        assertTrue(WRITES_HTML.matcher("row.innerHTML = reading.metrics").find());
        assertTrue(WRITES_HTML.matcher("document.write(message)").find());
        assertTrue(INLINE_SCRIPT.matcher("<script>alert(1)</script>").find());
        assertFalse(INLINE_SCRIPT.matcher("<script type=\"module\" src=\"js/main.js\"></script>").find());
        assertTrue(INLINE_STYLE.matcher("<div style=\"color: red\">").find());
        assertTrue(INLINE_HANDLER.matcher("<button onclick=\"go()\">").find());
        assertTrue(OTHER_ORIGIN.matcher("import x from \"https://cdn.example/uplot.js\";").find());
    }

    /** "file:line: text" for every line of the web files with these endings that matches the pattern. */
    static List<String> findings(Pattern pattern, String... endings) {
        List<String> findings = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(WEB)) {
            List<Path> files = walk.filter(f -> Stream.of(endings).anyMatch(f.toString()::endsWith)).toList();
            assertFalse(files.isEmpty(), "no dashboard files under " + WEB.toAbsolutePath());
            for (Path file : files) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    Matcher matcher = pattern.matcher(lines.get(i));
                    if (matcher.find()) {
                        findings.add(WEB.relativize(file) + ":" + (i + 1) + ": " + lines.get(i).trim());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return findings;
    }
}
