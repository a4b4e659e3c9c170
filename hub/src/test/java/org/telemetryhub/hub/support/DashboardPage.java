package org.telemetryhub.hub.support;

import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/** The web dashboard as an operator uses it, driven in a real browser; reads what the page shows. */
public final class DashboardPage {

    private final Browser browser;
    private final String url;

    public DashboardPage(Browser browser, String url) {
        this.browser = browser;
        this.url = url;
    }

    /** Opens the dashboard with no session and nothing remembered from earlier tests. */
    public DashboardPage openSignedOut() {
        browser.driver.get(url + "/");
        browser.driver.manage().deleteAllCookies();
        browser.js("localStorage.clear();");
        browser.driver.navigate().refresh();
        browser.await(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
        return this;
    }

    public DashboardPage signIn(String username, String password) {
        browser.driver.findElement(By.id("username")).sendKeys(username);
        browser.driver.findElement(By.id("password")).sendKeys(password);
        browser.driver.findElement(By.id("sign-in")).click();
        browser.await(ExpectedConditions.visibilityOfElementLocated(By.id("sign-out")));
        return this;
    }

    public DashboardPage signInAsAdmin() {
        return signIn("admin", TestHub.ADMIN_PASSWORD);
    }

    public void reload() {
        browser.driver.navigate().refresh();
    }

    public void signOut() {
        browser.driver.findElement(By.id("sign-out")).click();
        browser.await(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
    }

    public boolean showsSignIn() {
        return !browser.driver.findElements(By.id("sign-in")).isEmpty();
    }

    public void openDevice(String deviceId) {
        browser.js("location.hash = '#/devices/' + encodeURIComponent(arguments[0]);", deviceId);
        browser.await(ExpectedConditions.textToBe(By.cssSelector(".device h1"), deviceId));
    }

    /** The device ids in the fleet view's rows, as shown (filtered). */
    @SuppressWarnings("unchecked")
    public List<String> fleetDevices() {
        return (List<String>) browser.js("return [...document.querySelectorAll('tr[data-device]')]"
                + ".map(row => row.dataset.device);");
    }

    public WebElement fleetRow(String deviceId) {
        return browser.driver.findElement(By.cssSelector("tr[data-device='" + deviceId + "']"));
    }

    public String connectionState() {
        return browser.driver.findElement(By.id("connection")).getAttribute("data-state");
    }

    public String connectionLabel() {
        return browser.driver.findElement(By.cssSelector("#connection .label")).getText();
    }

    public void chooseWindow(String key) {
        browser.driver.findElement(By.cssSelector(".windows button[data-window='" + key + "']")).click();
    }

    /**
     * What a metric's chart holds: its "window", "times", "values" (null where data is missing), "gaps" and the
     * "alerts" marked on it.
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> series(String metric) {
        return (Map<String, Object>) browser.js("return window.hubDashboard.series(arguments[0]);", metric);
    }

    /** The window a metric's chart shows ("live", "15m", ..., "custom"), or null while it has no chart. */
    public String shownWindow(String metric) {
        Map<String, Object> series = series(metric);
        return series == null ? null : (String) series.get("window");
    }

    @SuppressWarnings("unchecked")
    public List<Long> offsets() {
        return (List<Long>) browser.js("return window.hubDashboard.offsets();");
    }

    /** The seqs in the latest-readings table, newest first. */
    @SuppressWarnings("unchecked")
    public List<Long> tableSeqs() {
        return (List<Long>) browser.js("return [...document.querySelectorAll('table.latest tbody tr')]"
                + ".map(row => Number(row.dataset.seq));");
    }

    /** A figure of the device room's header: "last-reading", "last-seq", "holes" or "rejected". */
    public String fact(String name) {
        return browser.driver.findElement(By.cssSelector(".device dd[data-part='" + name + "']")).getText();
    }

    /** The text of a fleet row's cell, by its column header ("Presence", "Holes", "Rejected", ...). */
    public String fleetCell(String deviceId, String column) {
        return (String) browser.js("""
                const row = document.querySelector(`tr[data-device='${arguments[0]}']`);
                const headers = [...row.closest('table').querySelectorAll('thead th')]
                    .map(th => th.textContent.trim());
                return row.children[headers.indexOf(arguments[1])].textContent;""", deviceId, column);
    }

    /** Clicks a fleet column's header in the first namespace shown, by its sort key ("lastSeq", "holes", ...). */
    public void sortFleetBy(String key) {
        browser.driver.findElement(By.cssSelector("section.namespace th[data-sort='" + key + "'] button")).click();
    }

    /** The kinds of the marks on a metric's chart, in time order: "silence", "missing" or "rejected". */
    public List<String> gapKinds(String metric) {
        Map<String, Object> series = series(metric);
        return series == null ? null
                : ((List<?>) series.get("gaps")).stream().map(gap -> (String) ((Map<?, ?>) gap).get("kind")).toList();
    }

    /**
     * The alerts marked on a metric's chart, oldest first: each with "alertId", "rule", "severity", "status", "from",
     * "to" (when it cleared, or now while active) and "threshold"; null while the metric has no chart.
     */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> alertMarks(String metric) {
        Map<String, Object> series = series(metric);
        return series == null ? null : (List<Map<String, Object>>) series.get("alerts");
    }

    /** The sentences listed under a metric's chart for the alerts marked on it. */
    @SuppressWarnings("unchecked")
    public List<String> alertMarkSentences(String metric) {
        return (List<String>) browser.js("return [...document.querySelectorAll("
                + "`article.chart[data-metric='${arguments[0]}'] .chart-alerts li`)].map(li => li.textContent.trim());",
                metric);
    }

    /** Whether the view (not the alerts list above it) is marked as no longer live. */
    public boolean markedStale() {
        return "true".equals(browser.js(
                "return document.querySelector('#view > section:not(#alerts)').dataset.stale;"));
    }

    public String rejectionsText() {
        // empty while a reload has not built the panel yet, so that a wait retries instead of failing
        return (String) browser.js("return document.querySelector('.rejections')?.textContent ?? '';");
    }
}
