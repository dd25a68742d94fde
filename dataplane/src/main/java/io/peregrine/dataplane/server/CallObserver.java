package io.peregrine.dataplane.server;

import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.TextFormat;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.function.BooleanSupplier;

/**
 * Every management call: refused with UNAVAILABLE while the daemon stops, counted and timed for
 * the metrics, and -- when it changes something -- logged on one line with its request, outcome
 * and duration. (No secrets travel in this API; the line holds the whole request.)
 */
final class CallObserver implements ServerInterceptor {
    private static final System.Logger LOG = System.getLogger("io.peregrine.dataplane.api");
    private static final TextFormat.Printer PRINTER = TextFormat.printer().emittingSingleLine(true);

    private final CallMetrics metrics;
    private final BooleanSupplier stopping;

    CallObserver(CallMetrics metrics, BooleanSupplier stopping) {
        this.metrics = metrics;
        this.stopping = stopping;
    }

    /** Calls that change nothing are not logged: Get*, List*, Check*. */
    static boolean mutating(String method) {
        String m = method.substring(method.indexOf('/') + 1);
        return !(m.startsWith("Get") || m.startsWith("List") || m.startsWith("Check"));
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        String full = call.getMethodDescriptor().getFullMethodName();
        String method = full.substring(full.lastIndexOf('.') + 1);
        long start = System.nanoTime();
        if (stopping.getAsBoolean()) {
            call.close(
                    Status.UNAVAILABLE.withDescription("the dataplane daemon is stopping; retry once it is back"),
                    new Metadata());
            metrics.record(method, Status.Code.UNAVAILABLE.name(), System.nanoTime() - start);
            return new ServerCall.Listener<>() {};
        }
        boolean log = mutating(method);
        java.util.concurrent.atomic.AtomicReference<String> request =
                new java.util.concurrent.atomic.AtomicReference<>("");
        ServerCall<Q, A> observed = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                long nanos = System.nanoTime() - start;
                metrics.record(method, status.getCode().name(), nanos);
                if (log) {
                    String line = method + " {" + request.get() + "} -> " + status.getCode()
                            + (status.getDescription() == null ? "" : ": " + status.getDescription()) + " ("
                            + nanos / 1_000_000 + " ms)";
                    LOG.log(status.isOk() ? System.Logger.Level.INFO : System.Logger.Level.WARNING, line);
                }
                super.close(status, trailers);
            }
        };
        ServerCall.Listener<Q> listener = next.startCall(observed, headers);
        if (!log) {
            return listener;
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onMessage(Q message) {
                if (message instanceof MessageOrBuilder m) {
                    request.set(PRINTER.printToString(m));
                }
                super.onMessage(message);
            }
        };
    }
}
