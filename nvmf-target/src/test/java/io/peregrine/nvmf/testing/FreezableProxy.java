package io.peregrine.nvmf.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on an ephemeral loopback port that can be frozen: it then stops moving bytes in
 * either direction but keeps every socket open -- a partitioned network or a stopped (SIGSTOP)
 * target, which no FIN or RST ever reveals. Pumps run on virtual threads.
 */
public final class FreezableProxy implements AutoCloseable {
    private final ServerSocket server;
    private final InetSocketAddress upstream;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean frozen;
    private volatile boolean closed;

    public FreezableProxy(InetSocketAddress upstream) throws IOException {
        this.upstream = upstream;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("proxy-accept").start(this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** From now on nothing is forwarded; connections stay open. */
    public void freeze() {
        frozen = true;
    }

    private void accept() {
        while (!closed) {
            try {
                Socket downstream = server.accept();
                Socket up = new Socket(upstream.getAddress(), upstream.getPort());
                up.setTcpNoDelay(true);
                downstream.setTcpNoDelay(true);
                sockets.add(downstream);
                sockets.add(up);
                Thread.ofVirtual().start(() -> pump(downstream, up));
                Thread.ofVirtual().start(() -> pump(up, downstream));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            while (true) {
                int n = in.read(buffer);
                while (frozen && !closed) Thread.sleep(10);
                if (n < 0 || closed) break;
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // one side went: close both
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close(from);
        close(to);
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closed = true;
        close(server);
        for (Socket socket : sockets) close(socket);
    }

    private static void close(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
