package io.peregrine.dataplane.cli;

import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the CLI's commands in process against a gRPC server on a Unix socket in a temporary
 * directory, where {@code ./peregrine local} would put it ({@code WORK/.peregrine/dataplane.sock}),
 * so that the default lookup finds it. The node-wide default points at a path that never exists.
 */
final class CliHarness implements AutoCloseable {
    static final String HOST_NQN = "nqn.2014-08.org.nvmexpress:uuid:11111111-2222-3333-4444-555555555555";

    /** What a command did: its exit status and everything it printed. */
    record Result(int status, String out, String err) {
        @Override
        public String toString() {
            return "exit " + status + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private final Path work;
    private final Path socket;
    private final Environment env;
    private final EventLoopGroup group;
    private final Server server;

    private CliHarness(Path dir, List<ServerServiceDefinition> services) throws IOException {
        this.work = dir.resolve("work");
        this.socket = work.resolve(Environment.LOCAL_SOCKET);
        Files.createDirectories(socket.getParent());
        Files.writeString(dir.resolve("hostnqn"), HOST_NQN + "\n");
        this.env = new Environment(work, Map.of(), dir.resolve("no-node-daemon.sock"), dir.resolve("hostnqn"));
        if (services == null) {
            this.group = null;
            this.server = null;
            return;
        }
        this.group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(group)
                .workerEventLoopGroup(group);
        services.forEach(builder::addService);
        this.server = builder.build().start();
    }

    /** A harness whose daemon is {@code fake}. */
    static CliHarness serving(Path dir, FakeDataplane fake) throws IOException {
        return new CliHarness(dir, fake.services());
    }

    /** A harness with no daemon at all. */
    static CliHarness withoutDaemon(Path dir) throws IOException {
        return new CliHarness(dir, null);
    }

    Environment env() {
        return env;
    }

    Path socket() {
        return socket;
    }

    Path work() {
        return work;
    }

    /** {@code run("volume", "list", "-o", "json")}: the command's name, then its arguments. */
    Result run(String... argv) {
        return run(env, argv);
    }

    static Result run(Environment env, String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        int status = CliMain.run(argv, env, o, e);
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        if (server != null) {
            server.shutdownNow();
            try {
                server.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
