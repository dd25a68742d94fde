package io.peregrine.operator.dataplane;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.peregrine.operator.observe.OperatorMetrics;

/** Counts and times every management API call by method and status code. */
final class CallMetricsInterceptor implements ClientInterceptor {

    private final OperatorMetrics metrics;

    CallMetricsInterceptor(OperatorMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
        String name = method.getBareMethodName();
        long start = System.nanoTime();
        return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void start(Listener<A> listener, Metadata headers) {
                super.start(
                        new SimpleForwardingClientCallListener<>(listener) {
                            @Override
                            public void onClose(Status status, Metadata trailers) {
                                metrics.dataplaneCall(name, status.getCode().name(), System.nanoTime() - start);
                                super.onClose(status, trailers);
                            }
                        },
                        headers);
            }
        };
    }
}
