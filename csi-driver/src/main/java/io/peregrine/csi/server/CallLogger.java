package io.peregrine.csi.server;

import com.google.protobuf.Message;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Set;

/**
 * Logs every CSI call once it finishes: method, outcome, time and the request with its secrets
 * redacted ({@link SecretRedactor}). Mutating calls log at INFO, the CO's frequent polls
 * (Probe, capabilities, stats) only at DEBUG, failures at WARNING.
 */
public final class CallLogger implements ServerInterceptor {

    private static final Logger LOG = System.getLogger(CallLogger.class.getName());

    /** Called every few seconds by sidecars and kubelet; not worth an INFO line each. */
    private static final Set<String> POLLS = Set.of(
            "Probe",
            "GetPluginInfo",
            "GetPluginCapabilities",
            "ControllerGetCapabilities",
            "NodeGetCapabilities",
            "NodeGetInfo",
            "NodeGetVolumeStats",
            "GetCapacity",
            "ListVolumes",
            "ListSnapshots",
            "ControllerGetVolume");

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        String method = call.getMethodDescriptor().getBareMethodName();
        long started = System.nanoTime();
        Object[] request = new Object[1];
        ServerCall<Q, A> logging = new SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                log(method, status, request[0], System.nanoTime() - started);
                super.close(status, trailers);
            }
        };
        return new SimpleForwardingServerCallListener<>(next.startCall(logging, headers)) {
            @Override
            public void onMessage(Q message) {
                request[0] = message;
                super.onMessage(message);
            }
        };
    }

    private static void log(String method, Status status, Object request, long nanos) {
        Level level = !status.isOk() ? Level.WARNING : POLLS.contains(method) ? Level.DEBUG : Level.INFO;
        if (!LOG.isLoggable(level)) return;
        String body = request instanceof Message m ? SecretRedactor.toLogString(m) : "";
        String outcome = status.isOk()
                ? "OK"
                : status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription());
        LOG.log(level, "{0} {1} in {2} ms [{3}]", method, outcome, nanos / 1_000_000, body);
    }
}
