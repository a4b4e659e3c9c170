package org.telemetryhub.hub.http;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.telemetryhub.protocol.ErrorCode;

/**
 * The outermost handler: answers 421 to a {@code Host} the hub does not serve, and puts the security headers on
 * every response.
 */
public final class HostGuard extends Handler.Wrapper {

    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; "
            + "style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'";

    private final Origins origins;
    private final boolean tls;

    public HostGuard(Origins origins, boolean tls, Handler next) {
        super(next);
        this.origins = origins;
        this.tls = tls;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        HttpFields.Mutable headers = response.getHeaders();
        headers.put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Referrer-Policy", "no-referrer");
        headers.put("X-Frame-Options", "DENY");
        if (tls) {
            headers.put("Strict-Transport-Security", "max-age=31536000");
        }
        if (!origins.isAllowedHost(request.getHeaders().get(HttpHeader.HOST))) {
            HttpErrors.write(response, callback, 421, ErrorCode.MISDIRECTED_REQUEST,
                    "the Host header must name this hub (a loopback name or http.publicOrigin)");
            return true;
        }
        return super.handle(request, response, callback);
    }
}
