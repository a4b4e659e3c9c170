/**
 * The device SDK. Start at {@link org.telemetryhub.client.HubDevice}: build one from
 * {@link org.telemetryhub.client.DeviceCredentials}, {@code connect()}, and {@code send} readings; each gets its
 * {@link org.telemetryhub.client.Verdict}. Failures a device can act on are
 * {@link org.telemetryhub.client.HubException}s. {@link org.telemetryhub.client.Tickets} and
 * {@link org.telemetryhub.client.HubCalls} are the HTTP calls beneath, for tools that need them alone.
 */
package org.telemetryhub.client;
