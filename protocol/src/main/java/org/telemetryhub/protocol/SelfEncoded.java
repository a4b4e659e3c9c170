package org.telemetryhub.protocol;

/**
 * A message sent once per reading (an ack, a reading to a dashboard) that writes its own JSON: the very text the codec
 * writes for it (a test holds each such message to the codec), without a generator, a serializer lookup and a string
 * writer per message. {@link Wire#encode} uses it; everything else about the message stays as the codec sees it.
 */
public interface SelfEncoded {

    void writeJson(StringBuilder out);
}
