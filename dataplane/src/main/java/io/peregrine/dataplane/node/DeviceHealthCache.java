package io.peregrine.dataplane.node;

import io.peregrine.dataplane.bdev.Bdev;
import io.peregrine.dataplane.bdev.nvme.NvmeBdev;
import io.peregrine.nvme.driver.SmartHealth;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;

/**
 * SMART / Health Information of the NVMe devices under loaded pools, read with an admin command at
 * most once per {@link #MAX_AGE} per device: node info and every metrics scrape ask, the
 * controller answers a few times a minute at most.
 */
public final class DeviceHealthCache {
    private static final System.Logger LOG = System.getLogger(DeviceHealthCache.class.getName());

    /** How old a SMART reading may be before the next request reads it again. */
    public static final Duration MAX_AGE = Duration.ofSeconds(10);

    private record Reading(SmartHealth health, long atNanos) {}

    private final Map<Bdev, Reading> readings = new WeakHashMap<>();

    /** The device's health, when it is an NVMe controller that answered. */
    public Optional<SmartHealth> health(Bdev bdev) {
        if (!(bdev instanceof NvmeBdev nvme)) {
            return Optional.empty();
        }
        long now = System.nanoTime();
        synchronized (this) {
            Reading r = readings.get(bdev);
            if (r != null && now - r.atNanos() < MAX_AGE.toNanos()) {
                return Optional.of(r.health());
            }
        }
        try {
            SmartHealth h = nvme.device().controller().smartHealth();
            synchronized (this) {
                readings.put(bdev, new Reading(h, now));
            }
            return Optional.of(h);
        } catch (RuntimeException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "SMART log of " + bdev.uri() + " could not be read: " + e.getMessage());
            return Optional.empty();
        }
    }
}
