package io.peregrine.nvme.emu;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Faults the model injects, set from any thread and acted on by the model's thread at its next
 * command. Each one drives a recovery path of the driver:
 *
 * <ul>
 *   <li>{@link #mediaError}: reads (or writes) touching an LBA range fail with Unrecovered Read
 *       Error (Write Fault), are logged in the Error log page and counted in SMART.
 *   <li>{@link #delayCompletions}: completions are posted late — long enough and the driver's
 *       per-command timeout fires and it sends Abort, which the model honours.
 *   <li>{@link #dropCompletions}: commands execute but their completion is never posted — Abort
 *       finds nothing to abort, so the driver must reset the controller.
 *   <li>{@link #hangCommands}: commands are fetched and then hang — no data moves, no completion
 *       — until {@link #wakeHungCommands}, when their data is written late; so the driver must not
 *       hand their buffers back before the controller is disabled.
 *   <li>{@link #controllerFatal}: CSTS.CFS is set and the model stops until the host resets it.
 *   <li>{@link #stallReady}: CSTS.RDY never follows CC.EN, so bring-up must time out.
 * </ul>
 */
public final class Faults {

    /** An LBA range [{@code first}, {@code last}] of namespace {@code nsid} that fails. */
    public record MediaError(int nsid, long first, long last, boolean onRead, boolean onWrite) {
        boolean hits(int nsid, long slba, long blocks, boolean write) {
            return this.nsid == nsid && (write ? onWrite : onRead) && slba <= last && slba + blocks - 1 >= first;
        }
    }

    private final List<MediaError> mediaErrors = new CopyOnWriteArrayList<>();
    private final AtomicLong delayedLeft = new AtomicLong();
    private volatile long delayNanos;
    private final AtomicLong droppedLeft = new AtomicLong();
    private final AtomicLong hangLeft = new AtomicLong();
    private volatile boolean wakeHung;
    private volatile boolean fatalRequested;
    private volatile boolean stallReady;

    /** Reads of blocks [{@code first}, {@code last}] of {@code nsid} fail with Unrecovered Read Error. */
    public Faults mediaError(int nsid, long first, long last) {
        return mediaError(nsid, first, last, true, false);
    }

    /** As {@link #mediaError(int, long, long)}, choosing whether reads, writes (Write Fault) or both fail. */
    public Faults mediaError(int nsid, long first, long last, boolean onRead, boolean onWrite) {
        mediaErrors.add(new MediaError(nsid, first, last, onRead, onWrite));
        return this;
    }

    /** Posts the completions of the next {@code commands} I/O commands {@code delay} late. */
    public Faults delayCompletions(Duration delay, long commands) {
        delayNanos = delay.toNanos();
        delayedLeft.set(commands);
        return this;
    }

    /** Executes the next {@code commands} I/O commands but never posts their completions. */
    public Faults dropCompletions(long commands) {
        droppedLeft.set(commands);
        return this;
    }

    /**
     * The next {@code commands} I/O commands are fetched and then hang: they move no data and post
     * no completion until {@link #wakeHungCommands()}.
     */
    public Faults hangCommands(long commands) {
        hangLeft.set(commands);
        return this;
    }

    /**
     * At its next step the model executes the hung commands — writing their data into the memory
     * their PRPs name and posting their completions — before it looks at CC: a device that wakes up
     * late and races the host's disable. A Controller Level Reset it has already seen (CSTS.RDY=0)
     * dropped them, as a device finishes or abandons its DMA before it reports not ready.
     */
    public Faults wakeHungCommands() {
        wakeHung = true;
        return this;
    }

    /** Sets CSTS.CFS at the model's next step; it processes nothing until CC.EN goes to 0. */
    public Faults controllerFatal() {
        fatalRequested = true;
        return this;
    }

    /** While set, CSTS.RDY does not follow CC.EN (bring-up and reset time out). */
    public Faults stallReady(boolean stall) {
        stallReady = stall;
        return this;
    }

    /** Removes every fault not yet acted on. */
    public Faults clear() {
        mediaErrors.clear();
        delayedLeft.set(0);
        droppedLeft.set(0);
        hangLeft.set(0);
        wakeHung = false;
        fatalRequested = false;
        stallReady = false;
        return this;
    }

    // ---- the model's side

    MediaError mediaErrorFor(int nsid, long slba, long blocks, boolean write) {
        if (mediaErrors.isEmpty()) return null;
        for (MediaError e : mediaErrors) {
            if (e.hits(nsid, slba, blocks, write)) return e;
        }
        return null;
    }

    /** The delay for this command's completion, consuming one delayed command; 0 when none. */
    long takeDelay() {
        if (delayedLeft.get() <= 0) return 0;
        return delayedLeft.getAndDecrement() > 0 ? delayNanos : 0;
    }

    boolean takeDrop() {
        if (droppedLeft.get() <= 0) return false;
        return droppedLeft.getAndDecrement() > 0;
    }

    boolean takeHang() {
        if (hangLeft.get() <= 0) return false;
        return hangLeft.getAndDecrement() > 0;
    }

    boolean takeWakeHung() {
        if (!wakeHung) return false;
        wakeHung = false;
        return true;
    }

    boolean takeFatal() {
        if (!fatalRequested) return false;
        fatalRequested = false;
        return true;
    }

    boolean readyStalled() {
        return stallReady;
    }
}
