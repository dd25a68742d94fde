package io.peregrine.csi.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.peregrine.csi.server.EpollTransport;
import io.peregrine.dataplane.api.v1.CheckHealthRequest;
import io.peregrine.dataplane.api.v1.Health;
import io.peregrine.dataplane.api.v1.NodeServiceGrpc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dataplane that goes away and comes back on the same socket is reachable again right after
 * the next failed call, not after gRPC's reconnect backoff (1 s after the first failed attempt,
 * growing to 2 min): the call that finds it unreachable resets the backoff. No timing is
 * asserted: the reset itself is checked on a recording channel, the recovery on a real one.
 */
class ReconnectPromptlyTest {
    private static final Duration CALL = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private EpollTransport transport;
    private Path socket;
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws IOException {
        transport = new EpollTransport();
        socket = dir.resolve("dataplane.sock");
        server = serve();
        channel = transport.channelTo(socket);
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
        transport.close();
    }

    private Server serve() throws IOException {
        Files.deleteIfExists(socket);
        return transport
                .serverOn(socket)
                .addService(new NodeServiceGrpc.NodeServiceImplBase() {
                    @Override
                    public void checkHealth(CheckHealthRequest request, StreamObserver<Health> response) {
                        response.onNext(Health.newBuilder().build());
                        response.onCompleted();
                    }
                })
                .build()
                .start();
    }

    @Test
    void aRestartedDataplaneIsReachedAgainRightAfterTheFailedCall() throws Exception {
        Channel wrapped = ReconnectPromptly.wrap(channel);
        DataplaneClient client = new DataplaneClient("n1", wrapped, CALL, CALL);
        client.checkHealth(CALL);

        server.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
        // the outage: every call fails UNAVAILABLE, each one resetting the backoff
        for (int i = 0; i < 3; i++) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> client.checkHealth(CALL));
            assertEquals(
                    Status.Code.UNAVAILABLE,
                    e.getStatus().getCode(),
                    e.getStatus().toString());
        }

        server = serve();
        // the first call may still meet the backoff of the attempt made while the socket was gone;
        // it resets it, so the channel reconnects now and the next call is served
        try {
            client.checkHealth(CALL);
        } catch (StatusRuntimeException first) {
            assertEquals(
                    Status.Code.UNAVAILABLE,
                    first.getStatus().getCode(),
                    first.getStatus().toString());
            NodeServiceGrpc.newBlockingStub(wrapped)
                    .withWaitForReady()
                    .withDeadlineAfter(CALL.toMillis(), TimeUnit.MILLISECONDS)
                    .checkHealth(CheckHealthRequest.getDefaultInstance());
        }
        assertEquals(ConnectivityState.READY, channel.getState(false));
    }

    @Test
    void unreachableFailuresResetTheBackoffAndOthersDoNot() {
        for (Status.Code code : Status.Code.values()) {
            RecordingChannel fake = new RecordingChannel(code.toStatus());
            Channel wrapped = ReconnectPromptly.wrap(fake);
            StatusRuntimeException e = assertThrows(
                    StatusRuntimeException.class,
                    () -> NodeServiceGrpc.newBlockingStub(wrapped).checkHealth(CheckHealthRequest.getDefaultInstance()),
                    code.toString());
            assertEquals(
                    code == Status.Code.OK ? Status.Code.INTERNAL : code,
                    e.getStatus().getCode());
            boolean unreachable = code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED;
            assertEquals(unreachable ? 1 : 0, fake.resets.get(), code.toString());
        }
    }

    /** A channel whose every call closes at once with {@code status}, counting backoff resets. */
    private static final class RecordingChannel extends ManagedChannel {
        final AtomicInteger resets = new AtomicInteger();
        private final Status status;

        RecordingChannel(Status status) {
            this.status = status;
        }

        @Override
        public <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> method, CallOptions options) {
            return new ClientCall<>() {
                @Override
                public void start(Listener<R> listener, Metadata headers) {
                    listener.onClose(status, new Metadata());
                }

                @Override
                public void request(int n) {}

                @Override
                public void cancel(String message, Throwable cause) {}

                @Override
                public void halfClose() {}

                @Override
                public void sendMessage(Q message) {}
            };
        }

        @Override
        public void resetConnectBackoff() {
            resets.incrementAndGet();
        }

        @Override
        public String authority() {
            return "fake";
        }

        @Override
        public ManagedChannel shutdown() {
            return this;
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public ManagedChannel shutdownNow() {
            return this;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }
}
