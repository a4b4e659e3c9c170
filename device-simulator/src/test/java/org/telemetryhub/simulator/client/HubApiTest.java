package org.telemetryhub.simulator.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.net.http.HttpClient;
import org.junit.jupiter.api.Test;
import org.telemetryhub.client.HubException;

class HubApiTest {

    @Test
    void hubUrlIsABaseUrl() {
        assertEquals(URI.create("http://127.0.0.1:8080"), HubApi.hubUrl("http://127.0.0.1:8080/"));
        assertEquals(URI.create("wss://hub.example.com/ws/device"),
                new HubApi(HttpClient.newHttpClient(), HubApi.hubUrl("https://hub.example.com")).deviceSocket());
        for (String bad : new String[] {"127.0.0.1:8080", "ftp://x", "http://h/api", "http://h?x=1", "http:/"}) {
            assertThrows(HubException.class, () -> HubApi.hubUrl(bad), bad);
        }
    }
}
