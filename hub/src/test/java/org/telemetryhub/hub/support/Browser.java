package org.telemetryhub.hub.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Debian Chromium driven by Selenium, with a fresh profile; one per test class. Every page it opens
 * records Content-Security-Policy violations and script errors, so tests can assert there were none.
 */
public final class Browser implements AutoCloseable {

    /** Debian's paths ({@code apt-get install chromium chromium-driver}); the environment may name others. */
    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM_BIN", "/usr/bin/chromium"));
    private static final Path DRIVER = Path.of(System.getenv().getOrDefault("CHROMEDRIVER_BIN",
            "/usr/bin/chromedriver"));

    /** Commands go to CDP raw, so Selenium's warning that it has no classes for this Chromium's CDP is noise. */
    private static final Logger CDP_VERSIONS = Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    static {
        CDP_VERSIONS.setLevel(Level.SEVERE);
    }

    private static final String WATCHER = """
            window.__problems = [];
            document.addEventListener('securitypolicyviolation',
                e => window.__problems.push('CSP ' + e.violatedDirective + ' blocked ' + e.blockedURI));
            window.addEventListener('error', e => window.__problems.push('error ' + e.message));
            window.addEventListener('unhandledrejection', e => window.__problems.push('rejection ' + e.reason));
            """;

    public final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    public static Browser start() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(DRIVER)) {
            throw new IllegalStateException("browser tests need Chromium at " + CHROMIUM + " and chromedriver at "
                    + DRIVER + " (apt-get install chromium chromium-driver, as .ci/run does)");
        }
        try {
            Path profile = Files.createTempDirectory("hub-chromium");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--user-data-dir=" + profile, "--window-size=1360,1000", "--lang=en-US",
                    "--hide-scrollbars");
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(DRIVER.toFile())
                    .usingAnyFreePort()
                    .build();
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", WATCHER));
            return new Browser(driver, profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a script in every page opened from now on, before the page's own; returns its id for {@link #forget}. */
    public String beforeEveryPage(String script) {
        return (String) driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", script))
                .get("identifier");
    }

    public void forget(String scriptId) {
        driver.executeCdpCommand("Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", scriptId));
    }

    /** Lays pages out for a screen this wide and tall (CSS pixels); phones (under 600 px) get touch input too. */
    public void viewport(int width, int height) {
        boolean phone = width < 600;
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height,
                "deviceScaleFactor", 1, "mobile", phone));
        driver.executeCdpCommand("Emulation.setTouchEmulationEnabled", Map.of("enabled", phone));
    }

    /** Makes pages see the system's colour scheme as dark, or as light. */
    public void prefersDark(boolean dark) {
        driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                List.of(Map.of("name", "prefers-color-scheme", "value", dark ? "dark" : "light"))));
    }

    /** Whether the page is wider than the screen, so that it scrolls sideways. */
    public boolean scrollsSideways() {
        return (Boolean) js("return document.documentElement.scrollWidth > document.documentElement.clientWidth;");
    }

    public Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** CSP violations and script errors the current page has seen. */
    @SuppressWarnings("unchecked")
    public List<String> problems() {
        Object problems = js("return window.__problems || [];");
        return (List<String>) problems;
    }

    /** Waits up to the timeout for a condition, as Selenium's waits do (no sleeping). */
    public <T> T await(Duration timeout, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, timeout, Duration.ofMillis(50))
                .ignoring(StaleElementReferenceException.class)
                .until(condition);
    }

    public <T> T await(Function<WebDriver, T> condition) {
        return await(Duration.ofSeconds(10), condition);
    }

    /** A PNG of the whole page, below the fold too. */
    public void screenshot(Path file) {
        Map<String, Object> metrics = driver.executeCdpCommand("Page.getLayoutMetrics", Map.of());
        @SuppressWarnings("unchecked")
        Map<String, Object> size = (Map<String, Object>) metrics.get("cssContentSize");
        write(file, driver.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png",
                "captureBeyondViewport", true, "clip", Map.of("x", 0, "y", 0, "width", size.get("width"),
                        "height", size.get("height"), "scale", 1))));
    }

    /** A PNG of what the screen shows, as a phone user sees the page first. */
    public void screenshotOfScreen(Path file) {
        write(file, driver.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png")));
    }

    private static void write(Path file, Map<String, Object> shot) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, Base64.getDecoder().decode((String) shot.get("data")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
