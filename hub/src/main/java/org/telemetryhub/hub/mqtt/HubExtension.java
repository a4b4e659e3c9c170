package org.telemetryhub.hub.mqtt;

import com.hivemq.extension.sdk.api.auth.Authorizer;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.auth.Tickets;
import org.telemetryhub.hub.commands.CommandDelivery;
import org.telemetryhub.hub.commands.ControlFrames;
import org.telemetryhub.hub.ingest.DeviceConnections;
import org.telemetryhub.hub.ingest.IngestPipeline;

/**
 * The hub inside the embedded broker: ticket authentication, topic authorization, the PUBACK-after-commit
 * interceptor, commands and state, and connection lifecycle. The broker is fail-open without an authenticator, so {@link #installed}
 * reports whether all of it is in place, and the broker refuses to run otherwise.
 */
public final class HubExtension implements BrokerExtension {

    private static final Logger log = LoggerFactory.getLogger(HubExtension.class);

    private final TicketAuthenticator authenticator;
    private final Authorizer authorizer;
    private final TelemetryInterceptor interceptor;
    private final BrokerControl control;
    private final BrokerConnections lifecycle;
    private volatile boolean installed;

    public HubExtension(Tickets tickets, IngestPipeline pipeline, ControlFrames controlFrames,
                        CommandDelivery delivery, DeviceConnections connections, int maxPayloadBytes) {
        this.authenticator = new TicketAuthenticator(tickets);
        this.authorizer = new DeviceAuthorizer();
        this.interceptor = new TelemetryInterceptor(new TelemetryIngest(pipeline, new BrokerVerdicts(),
                maxPayloadBytes));
        this.control = new BrokerControl(controlFrames, delivery);
        this.lifecycle = new BrokerConnections(connections, control);
    }

    @Override
    public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
        try {
            Services.securityRegistry().setAuthenticatorProvider(provider -> authenticator);
            Services.securityRegistry().setAuthorizerProvider(provider -> authorizer);
            Services.initializerRegistry().setClientInitializer((client, context) -> {
                context.addPublishInboundInterceptor(interceptor);
                context.addPublishInboundInterceptor(control);
                context.addSubackOutboundInterceptor(control);
            });
            Services.eventRegistry().setClientLifecycleEventListener(provider -> lifecycle);
            installed = true;
        } catch (RuntimeException e) {
            log.error("event=mqtt_extension_failed", e);
            output.preventExtensionStartup("the hub's authenticator could not be installed: " + e);
        }
    }

    @Override
    public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
        installed = false;
    }

    /** Whether the authenticator, authorizers, interceptor and lifecycle listener are registered. */
    @Override
    public boolean installed() {
        return installed;
    }
}
