package io.peregrine.dataplane.cli;

/**
 * The exit statuses every {@code ./peregrine} daemon command uses, so that scripts can tell a
 * refused request from a typing mistake from a daemon that is not there:
 *
 * <table>
 *   <caption>exit statuses</caption>
 *   <tr><th>status</th><th>meaning</th></tr>
 *   <tr><td>0</td><td>done</td></tr>
 *   <tr><td>1</td><td>the daemon refused or failed the request (the message says why), or a
 *       check found problems</td></tr>
 *   <tr><td>2</td><td>usage error: a bad option, size, name or URI; nothing was sent</td></tr>
 *   <tr><td>3</td><td>the daemon could not be reached (not running, not serving yet, wrong
 *       socket or address, TLS refused)</td></tr>
 * </table>
 */
public final class ExitStatus {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int UNREACHABLE = 3;

    private ExitStatus() {}
}
