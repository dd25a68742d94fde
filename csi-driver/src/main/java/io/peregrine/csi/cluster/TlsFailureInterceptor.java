package io.peregrine.csi.cluster;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import javax.net.ssl.SSLException;

/**
 * gRPC reports a failed TLS handshake as UNAVAILABLE "io exception" with the reason buried in
 * the cause. This says it in the status description, with what to check, so the CO's event
 * and the controller's log show it.
 */
final class TlsFailureInterceptor implements ClientInterceptor {

    private final String node;
    private final ManagementEndpoint endpoint;
    private final String serverName;

    TlsFailureInterceptor(String node, ManagementEndpoint endpoint, String serverName) {
        this.node = node;
        this.endpoint = endpoint;
        this.serverName = serverName;
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void start(Listener<R> listener, Metadata headers) {
                super.start(
                        new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                            @Override
                            public void onClose(Status status, Metadata trailers) {
                                super.onClose(explained(status), trailers);
                            }
                        },
                        headers);
            }
        };
    }

    Status explained(Status status) {
        if (status.getCode() != Status.Code.UNAVAILABLE) return status;
        for (Throwable t = status.getCause(); t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return status.withDescription("TLS handshake with the dataplane of " + node + " at " + endpoint
                        + " failed (" + t.getMessage() + "); check that --tls-ca is the CA that signs dataplane"
                        + " certificates, that they name " + serverName + ", and that the dataplane trusts the"
                        + " controller's --tls-cert");
            }
        }
        return status;
    }
}
