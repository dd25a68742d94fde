package io.peregrine.csi.dataplane;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;

/**
 * Clears a dataplane channel's reconnect backoff whenever a call on it fails because the
 * dataplane could not be reached, so the next call connects at once.
 *
 * <p>Why: gRPC backs off exponentially between connection attempts (1 s growing to 2 min) and,
 * while backing off, fails every call UNAVAILABLE without trying. After a daemon restart --
 * an upgrade, a crash, the pod rescheduled -- the plugin would keep answering UNAVAILABLE for up
 * to the backoff although the daemon is back. The CO retries our UNAVAILABLE anyway, so a failed
 * call is exactly when a fresh attempt is wanted. Resetting is cheap and only affects a channel
 * that is backing off; a connected channel ignores it.
 *
 * <p>DEADLINE_EXCEEDED counts too: a call issued while the channel is connecting waits for the
 * connection and ends with the deadline, not UNAVAILABLE (Probe's health check is such a call).
 */
public final class ReconnectPromptly implements ClientInterceptor {

    private final ManagedChannel channel;

    private ReconnectPromptly(ManagedChannel channel) {
        this.channel = channel;
    }

    /** {@code channel}, resetting its connect backoff when a call finds the dataplane unreachable. */
    public static Channel wrap(ManagedChannel channel) {
        return ClientInterceptors.intercept(channel, new ReconnectPromptly(channel));
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void start(Listener<R> listener, Metadata headers) {
                super.start(
                        new SimpleForwardingClientCallListener<>(listener) {
                            @Override
                            public void onClose(Status status, Metadata trailers) {
                                // before the caller hears of the failure, so its retry finds the
                                // channel reconnecting rather than still backing off
                                if (unreachable(status)) channel.resetConnectBackoff();
                                super.onClose(status, trailers);
                            }
                        },
                        headers);
            }
        };
    }

    static boolean unreachable(Status status) {
        return status.getCode() == Status.Code.UNAVAILABLE || status.getCode() == Status.Code.DEADLINE_EXCEEDED;
    }
}
