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

    /** What a metric's chart holds: its "window", "times", "values" (null where data is missing) and "gaps". */
    @SuppressWarnings("unchecked")
    public Map<String, Object> series(String metric) {
        return (Map<String, Object>) browser.js("return window.hubDashboard.series(arguments[0]);", metric);
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

    public String rejectionsText() {
        // empty while a reload has not built the panel yet, so that a wait retries instead of failing
        return (String) browser.js("return document.querySelector('.rejections')?.textContent ?? '';");
    }
}
