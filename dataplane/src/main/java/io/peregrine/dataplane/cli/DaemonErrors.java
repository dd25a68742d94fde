package io.peregrine.dataplane.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * Turns every gRPC status the management API can answer (see the header of {@code
 * dataplane.proto}) into one sentence and an exit status. The daemon's own message already says
 * what was wrong and what to do; the sentence in front says what kind of answer it is.
 *
 * <table>
 *   <caption>status to exit</caption>
 *   <tr><th>gRPC status</th><th>exit</th><th>sentence</th></tr>
 *   <tr><td>INVALID_ARGUMENT</td><td>2</td><td>the daemon refused the request as malformed</td></tr>
 *   <tr><td>NOT_FOUND</td><td>1</td><td>not found</td></tr>
 *   <tr><td>ALREADY_EXISTS</td><td>1</td><td>the name is taken</td></tr>
 *   <tr><td>FAILED_PRECONDITION</td><td>1</td><td>not possible in the current state</td></tr>
 *   <tr><td>RESOURCE_EXHAUSTED</td><td>1</td><td>no room</td></tr>
 *   <tr><td>OUT_OF_RANGE</td><td>1</td><td>out of range</td></tr>
 *   <tr><td>ABORTED</td><td>1</td><td>a concurrent change won; run it again</td></tr>
 *   <tr><td>DEADLINE_EXCEEDED</td><td>1</td><td>no answer in time; it may still complete</td></tr>
 *   <tr><td>UNIMPLEMENTED</td><td>1</td><td>the daemon's version lacks the call</td></tr>
 *   <tr><td>UNAUTHENTICATED, PERMISSION_DENIED</td><td>1</td><td>credentials refused</td></tr>
 *   <tr><td>INTERNAL, UNKNOWN, DATA_LOSS</td><td>1</td><td>the daemon failed; see its log</td></tr>
 *   <tr><td>CANCELLED</td><td>1</td><td>cancelled</td></tr>
 *   <tr><td>UNAVAILABLE</td><td>3</td><td>cannot reach the daemon, or it is not serving yet</td></tr>
 * </table>
 */
public final class DaemonErrors {
    private DaemonErrors() {}

    /** The daemon's answer, or the transport's failure to get one, as a command failure. */
    public static CommandFailedException map(StatusRuntimeException e, DaemonEndpoint endpoint, Duration timeout) {
        Status status = e.getStatus();
        String message = status.getDescription() == null ? "(no message)" : status.getDescription();
        return switch (status.getCode()) {
            case OK ->
                new CommandFailedException(
                        ExitStatus.FAILED, "the daemon answered OK without a result", status.getCode(), e);
            case INVALID_ARGUMENT ->
                new CommandFailedException(
                        ExitStatus.USAGE,
                        "the daemon refused the request as malformed: " + message,
                        status.getCode(),
                        e);
            case NOT_FOUND ->
                new CommandFailedException(ExitStatus.FAILED, "not found: " + message, status.getCode(), e);
            case ALREADY_EXISTS ->
                new CommandFailedException(ExitStatus.FAILED, "the name is taken: " + message, status.getCode(), e);
            case FAILED_PRECONDITION ->
                new CommandFailedException(
                        ExitStatus.FAILED, "not possible in the current state: " + message, status.getCode(), e);
            case RESOURCE_EXHAUSTED ->
                new CommandFailedException(ExitStatus.FAILED, "no room: " + message, status.getCode(), e);
            case OUT_OF_RANGE ->
                new CommandFailedException(ExitStatus.FAILED, "out of range: " + message, status.getCode(), e);
            case ABORTED ->
                new CommandFailedException(
                        ExitStatus.FAILED,
                        "a concurrent change to the same object won (" + message + "); run the command again",
                        status.getCode(),
                        e);
            case DEADLINE_EXCEEDED ->
                new CommandFailedException(
                        ExitStatus.FAILED,
                        "the daemon at " + endpoint.describe() + " did not answer within " + human(timeout)
                                + (status.getDescription() == null ? "" : " (" + message + ")")
                                + "; the change may still complete, so look before repeating it (a get or list"
                                + " command), and give slow operations more time with --timeout, e.g. --timeout 10m",
                        status.getCode(),
                        e);
            case UNIMPLEMENTED ->
                new CommandFailedException(
                        ExitStatus.FAILED,
                        "the daemon at " + endpoint.describe() + " does not offer this call (" + message
                                + "): it runs another version of Peregrine than this command; use the ./peregrine"
                                + " that matches it",
                        status.getCode(),
                        e);
            case UNAUTHENTICATED, PERMISSION_DENIED ->
                new CommandFailedException(
                        ExitStatus.FAILED,
                        "the daemon at " + endpoint.describe() + " refused this client (" + message + ")"
                                + (endpoint instanceof DaemonEndpoint.Tcp
                                        ? "; check that --tls-cert and --tls-key are a client certificate its CA"
                                                + " trusts"
                                        : ""),
                        status.getCode(),
                        e);
            case INTERNAL, UNKNOWN, DATA_LOSS ->
                new CommandFailedException(
                        ExitStatus.FAILED,
                        "the daemon failed (" + status.getCode() + "): " + message
                                + "; its log has the details"
                                + " (a damaged pool can be examined with ./peregrine pool check)",
                        status.getCode(),
                        e);
            case CANCELLED ->
                new CommandFailedException(
                        ExitStatus.FAILED, "the call was cancelled: " + message, status.getCode(), e);
            case UNAVAILABLE -> unavailable(status, message, endpoint, e);
        };
    }

    private static CommandFailedException unavailable(
            Status status, String message, DaemonEndpoint endpoint, StatusRuntimeException e) {
        // A status the daemon sent carries no cause; one the client made up for a failed
        // connection does (the socket error, the TLS handshake failure).
        Throwable cause = status.getCause();
        if (cause == null) {
            return new CommandFailedException(
                    ExitStatus.UNREACHABLE,
                    "the daemon at " + endpoint.describe() + " is not serving right now (" + message
                            + "); it is starting or stopping, or a device went away: try again in a moment,"
                            + " and ./peregrine node status shows what it is waiting for",
                    status.getCode(),
                    e);
        }
        Throwable root = rootCause(cause);
        if (hasCause(cause, SSLException.class)) {
            return new CommandFailedException(
                    ExitStatus.UNREACHABLE,
                    "the TLS handshake with the daemon at " + endpoint.describe() + " failed (" + root.getMessage()
                            + "): --tls-ca must be the CA that signed the daemon's certificate, --tls-cert a client"
                            + " certificate the daemon trusts, and the daemon's certificate must name"
                            + " peregrine-dataplane (or what --tls-server-name gives)",
                    status.getCode(),
                    e);
        }
        return switch (endpoint) {
            case DaemonEndpoint.UnixSocket unix ->
                new CommandFailedException(
                        ExitStatus.UNREACHABLE,
                        "no daemon answers on " + unix.path() + " (" + root.getMessage() + "): the socket is left"
                                + " over from a daemon that stopped, or belongs to something else; "
                                + startHint(),
                        status.getCode(),
                        e);
            case DaemonEndpoint.Tcp tcp ->
                new CommandFailedException(
                        ExitStatus.UNREACHABLE,
                        "cannot reach the daemon at " + tcp.describe() + " (" + root.getMessage() + "): check the"
                                + " address and that the node's daemon serves its management API on that port",
                        status.getCode(),
                        e);
        };
    }

    /**
     * No socket in any of the places looked at: one sentence that names them and says how to
     * start a daemon.
     */
    public static String notRunning(List<String> lookedAt) {
        return "no Peregrine daemon is running: there is no socket at " + String.join(" nor at ", lookedAt) + "; "
                + startHint();
    }

    /** A socket named explicitly that is not there. */
    public static String noSocket(DaemonEndpoint.UnixSocket unix) {
        return "no Peregrine daemon is running at " + unix.path() + " (from " + unix.source()
                + "): there is no socket there; " + startHint();
    }

    static String startHint() {
        return "start one with ./peregrine local in the Peregrine checkout (it keeps its data and socket in"
                + " ./.peregrine), or point --socket PATH, $PEREGRINE_SOCKET or --address HOST:PORT at a running one"
                + " (a node's DaemonSet pod, or a daemon with another data directory)";
    }

    private static String human(Duration d) {
        if (d.toMillis() % 1000 != 0) {
            return d.toMillis() + " ms";
        }
        long s = d.toSeconds();
        if (s % 3600 == 0) {
            return s / 3600 + " h";
        }
        return s % 60 == 0 ? s / 60 + " min" : s + " s";
    }

    private static Throwable rootCause(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        return r;
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }
}
