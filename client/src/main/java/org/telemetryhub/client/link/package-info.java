/**
 * The layer beneath {@link org.telemetryhub.client.HubDevice}: a {@link org.telemetryhub.client.link.Transport}
 * turns a ticket into a {@link org.telemetryhub.client.link.Link}, and every {@link org.telemetryhub.client.link.Frame}
 * sent on it gets one {@link org.telemetryhub.client.link.FrameVerdict}. For tools that keep their own outbox, window
 * and faults (the simulator); {@link org.telemetryhub.client.link.TextMessages},
 * {@link org.telemetryhub.client.link.TextSender} and {@link org.telemetryhub.client.link.PublishOutcome} are the
 * WebSocket and MQTT pieces every client of the protocol needs.
 */
package org.telemetryhub.client.link;
