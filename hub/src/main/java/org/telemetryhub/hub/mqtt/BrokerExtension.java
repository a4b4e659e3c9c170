package org.telemetryhub.hub.mqtt;

import com.hivemq.extension.sdk.api.ExtensionMain;

/** The one extension the embedded broker runs, which must say whether its authenticator is in place. */
public interface BrokerExtension extends ExtensionMain {

    /** Whether the authenticator (and everything else the hub needs inside the broker) is registered. */
    boolean installed();
}
