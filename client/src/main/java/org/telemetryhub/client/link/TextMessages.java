package org.telemetryhub.client.link;

import java.net.http.WebSocket;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * A WebSocket's text messages made whole: the JDK hands a listener a message in fragments, and this puts them
 * together. Meant for one listener's {@code onText}, which the JDK never calls concurrently.
 */
public final class TextMessages {

    /** Only a message that comes in several fragments needs a buffer; most come whole. */
    private StringBuilder partial;

    /** Adds a fragment; returns the whole message after its last fragment, else null. */
    public String add(CharSequence fragment, boolean last) {
        if (last && partial == null) {
            return fragment.toString();
        }
        if (partial == null) {
            partial = new StringBuilder();
        }
        partial.append(fragment);
        if (!last) {
            return null;
        }
        String whole = partial.toString();
        partial = null;
        return whole;
    }

    /**
     * The whole of {@code onText}: adds the fragment, hands a completed message to {@code whole}, and asks the socket
     * for the next one.
     */
    public CompletionStage<?> onText(WebSocket socket, CharSequence fragment, boolean last, Consumer<String> whole) {
        String message = add(fragment, last);
        if (message != null) {
            whole.accept(message);
        }
        socket.request(1);
        return null;
    }
}
