package io.peregrine.dataplane.metrics;

import io.peregrine.dataplane.export.Exports;
import io.peregrine.dataplane.export.IoCounters;
import io.peregrine.dataplane.lvol.PoolInfo;
import io.peregrine.dataplane.netty.ReactorIoHandler;
import io.peregrine.dataplane.netty.ReactorLoopGroup;
import io.peregrine.dataplane.node.DataplaneException;
import io.peregrine.dataplane.node.EngineCalls;
import io.peregrine.dataplane.node.Node;
import io.peregrine.dataplane.node.PoolEntry;
import io.peregrine.nvme.driver.SmartHealth;
import io.peregrine.nvmf.core.Controller;
import io.peregrine.nvmf.core.QueuePair;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Duration;

/**
 * The node's state as Prometheus metrics, read at scrape time: nothing on an I/O path counts for
 * Prometheus. Volume counters are the reactors' own plain per-channel counters ({@link
 * IoCounters}), summed here; pool capacity comes from the stores, SMART from the cached health
 * reading, reactor time from the loops' busy/idle counters, connections and queue depth from the
 * target's queue pairs (read racily: a scrape is a sample).
 *
 * <p>Names follow the Prometheus conventions: base units (bytes, seconds, celsius), counters end
 * in {@code _total} (the exposition adds it), one metric per meaning with labels for the rest.
 */
public final class NodeCollector implements MultiCollector {
    /** How long a scrape waits for a pool's metadata reactor to report capacity. */
    static final Duration POOL_INFO_WAIT = Duration.ofSeconds(5);

    private final Node node;

    public NodeCollector(Node node) {
        this.node = node;
    }

    @Override
    public MetricSnapshots collect() {
        MetricSnapshots.Builder out = MetricSnapshots.builder();
        volumes(out);
        pools(out);
        target(out);
        reactors(out);
        return out.build();
    }

    // ------------------------------------------------------------------ volumes

    private void volumes(MetricSnapshots.Builder out) {
        Exports exports = node.exports();
        CounterSnapshot.Builder readOps = counter("peregrine_volume_read_ops", "Read commands completed", null);
        CounterSnapshot.Builder readBytes =
                counter("peregrine_volume_read_bytes", "Bytes read by completed read commands", Unit.BYTES);
        CounterSnapshot.Builder writeOps = counter("peregrine_volume_write_ops", "Write commands completed", null);
        CounterSnapshot.Builder writeBytes =
                counter("peregrine_volume_write_bytes", "Bytes written by completed write commands", Unit.BYTES);
        CounterSnapshot.Builder flushOps = counter("peregrine_volume_flush_ops", "Flush commands completed", null);
        CounterSnapshot.Builder unmapOps =
                counter("peregrine_volume_unmap_ops", "Dataset Management (deallocate) commands completed", null);
        CounterSnapshot.Builder zeroOps =
                counter("peregrine_volume_write_zeroes_ops", "Write Zeroes commands completed", null);
        CounterSnapshot.Builder errors =
                counter("peregrine_volume_errors", "I/O commands that completed with an error status", null);
        HistogramSnapshot.Builder readLatency = HistogramSnapshot.builder()
                .name("peregrine_volume_read_latency_seconds")
                .help("Read latency from command received to completion, at the target")
                .unit(Unit.SECONDS);
        HistogramSnapshot.Builder writeLatency = HistogramSnapshot.builder()
                .name("peregrine_volume_write_latency_seconds")
                .help("Write latency from command received to completion, at the target")
                .unit(Unit.SECONDS);
        HistogramSnapshot.Builder nodeReadLatency = HistogramSnapshot.builder()
                .name("peregrine_node_read_latency_seconds")
                .help("Read latency from command received to completion, at the target, over every volume"
                        + " this process served")
                .unit(Unit.SECONDS);
        HistogramSnapshot.Builder nodeWriteLatency = HistogramSnapshot.builder()
                .name("peregrine_node_write_latency_seconds")
                .help("Write latency from command received to completion, at the target, over every volume"
                        + " this process served")
                .unit(Unit.SECONDS);
        IoCounters sum = new IoCounters();
        IoCounters node = new IoCounters();
        exports.addForgottenTo(node);
        for (Exports.Totals t : exports.totals()) {
            sum.clear();
            exports.addCountersTo(t, sum);
            sum.addTo(node);
            Labels labels = Labels.of(
                    "pool", t.pool(), "volume", t.name(), "uuid", t.volume().toString());
            readOps.dataPoint(point(labels, sum.get(IoCounters.READ_OPS)));
            readBytes.dataPoint(point(labels, sum.get(IoCounters.READ_BYTES)));
            writeOps.dataPoint(point(labels, sum.get(IoCounters.WRITE_OPS)));
            writeBytes.dataPoint(point(labels, sum.get(IoCounters.WRITE_BYTES)));
            flushOps.dataPoint(point(labels, sum.get(IoCounters.FLUSH_OPS)));
            unmapOps.dataPoint(point(labels, sum.get(IoCounters.UNMAP_OPS)));
            zeroOps.dataPoint(point(labels, sum.get(IoCounters.WRITE_ZEROES_OPS)));
            errors.dataPoint(point(labels, sum.get(IoCounters.ERRORS)));
            readLatency.dataPoint(
                    LatencyBuckets.VOLUME.point(labels, sum, IoCounters.READ_BUCKETS, IoCounters.READ_NANOS));
            writeLatency.dataPoint(
                    LatencyBuckets.VOLUME.point(labels, sum, IoCounters.WRITE_BUCKETS, IoCounters.WRITE_NANOS));
        }
        // one series each, so it keeps every counted bucket: the node's tail is read from here
        nodeReadLatency.dataPoint(
                LatencyBuckets.NODE.point(Labels.EMPTY, node, IoCounters.READ_BUCKETS, IoCounters.READ_NANOS));
        nodeWriteLatency.dataPoint(
                LatencyBuckets.NODE.point(Labels.EMPTY, node, IoCounters.WRITE_BUCKETS, IoCounters.WRITE_NANOS));
        out.metricSnapshot(readOps.build())
                .metricSnapshot(readBytes.build())
                .metricSnapshot(writeOps.build())
                .metricSnapshot(writeBytes.build())
                .metricSnapshot(flushOps.build())
                .metricSnapshot(unmapOps.build())
                .metricSnapshot(zeroOps.build())
                .metricSnapshot(errors.build())
                .metricSnapshot(readLatency.build())
                .metricSnapshot(writeLatency.build())
                .metricSnapshot(nodeReadLatency.build())
                .metricSnapshot(nodeWriteLatency.build());
    }

    // ------------------------------------------------------------------ pools and devices

    private void pools(MetricSnapshots.Builder out) {
        GaugeSnapshot.Builder capacity =
                gauge("peregrine_pool_capacity_bytes", "Bytes a pool can hold (its data clusters)", Unit.BYTES);
        GaugeSnapshot.Builder used =
                gauge("peregrine_pool_used_bytes", "Bytes of a pool's clusters allocated to volumes", Unit.BYTES);
        GaugeSnapshot.Builder volumes = gauge("peregrine_pool_volumes", "Volumes and clones in a pool", null);
        GaugeSnapshot.Builder snapshots = gauge("peregrine_pool_snapshots", "Snapshots in a pool", null);
        GaugeSnapshot.Builder up = gauge("peregrine_pool_up", "1 when a pool is loaded and accepts changes", null);
        GaugeSnapshot.Builder temperature =
                gauge("peregrine_device_temperature_celsius", "NVMe composite temperature (SMART log)", Unit.CELSIUS);
        GaugeSnapshot.Builder wear = gauge(
                "peregrine_device_percentage_used_ratio",
                "NVMe Percentage Used estimate of life used, as a ratio (1 = 100 %; may exceed 1)",
                Unit.RATIO);
        CounterSnapshot.Builder mediaErrors =
                counter("peregrine_device_media_errors", "NVMe Media and Data Integrity Errors (SMART log)", null);
        GaugeSnapshot.Builder criticalWarning = gauge(
                "peregrine_device_critical_warning", "NVMe Critical Warning bits (SMART log); 0 is healthy", null);
        for (PoolEntry p : node.pools().list()) {
            Labels labels = Labels.of("pool", p.name());
            boolean online = p.state() == PoolEntry.State.ONLINE;
            up.dataPoint(gaugePoint(labels, online ? 1 : 0));
            if (!p.loaded()) {
                continue;
            }
            try {
                PoolInfo info = EngineCalls.await(p.store().info(), POOL_INFO_WAIT);
                capacity.dataPoint(gaugePoint(labels, info.totalBytes()));
                used.dataPoint(gaugePoint(labels, info.allocatedBytes()));
                volumes.dataPoint(gaugePoint(labels, info.volumes()));
                snapshots.dataPoint(gaugePoint(labels, info.snapshots()));
            } catch (DataplaneException e) {
                // unloaded meanwhile, or its metadata reactor is stuck: the pool_up series says so
                continue;
            }
            if (p.bdev() == null) {
                continue;
            }
            SmartHealth h = node.deviceHealth().health(p.bdev()).orElse(null);
            if (h != null) {
                Labels device = Labels.of("pool", p.name(), "device", p.uri());
                temperature.dataPoint(gaugePoint(device, h.temperatureKelvin() - 273.15));
                wear.dataPoint(gaugePoint(device, h.percentageUsed() / 100.0));
                mediaErrors.dataPoint(point(device, h.mediaErrors()));
                criticalWarning.dataPoint(gaugePoint(device, h.criticalWarning()));
            }
        }
        out.metricSnapshot(capacity.build())
                .metricSnapshot(used.build())
                .metricSnapshot(volumes.build())
                .metricSnapshot(snapshots.build())
                .metricSnapshot(up.build())
                .metricSnapshot(temperature.build())
                .metricSnapshot(wear.build())
                .metricSnapshot(mediaErrors.build())
                .metricSnapshot(criticalWarning.build());
    }

    // ------------------------------------------------------------------ target and reactors

    private void target(MetricSnapshots.Builder out) {
        GaugeSnapshot.Builder connections = gauge(
                "peregrine_target_connections",
                "NVMe/TCP connections (queue pairs, the admin queue included) to a published volume",
                null);
        GaugeSnapshot.Builder depth =
                gauge("peregrine_target_queue_depth", "Commands outstanding on a published volume's I/O queues", null);
        for (Exports.Export e : node.exports().all()) {
            int queues = 0;
            int outstanding = 0;
            for (Controller c : e.subsystem().controllers()) {
                for (QueuePair q : c.queues()) {
                    queues++;
                    if (q.qid() != 0) {
                        outstanding += q.outstanding();
                    }
                }
            }
            Labels labels = Labels.of(
                    "pool",
                    e.pool(),
                    "volume",
                    e.namespace().name(),
                    "uuid",
                    e.volume().toString());
            connections.dataPoint(gaugePoint(labels, queues));
            depth.dataPoint(gaugePoint(labels, outstanding));
        }
        out.metricSnapshot(connections.build()).metricSnapshot(depth.build());
    }

    private void reactors(MetricSnapshots.Builder out) {
        CounterSnapshot.Builder busy =
                counter("peregrine_reactor_busy_seconds", "Time a reactor spent running work or polling", Unit.SECONDS);
        CounterSnapshot.Builder idle = counter(
                "peregrine_reactor_idle_seconds",
                "Time a reactor spent blocked in the kernel or finding nothing to do",
                Unit.SECONDS);
        ReactorLoopGroup loops = node.reactors();
        for (int i = 0; i < loops.size(); i++) {
            ReactorIoHandler h = loops.handler(i);
            Labels labels =
                    Labels.of("reactor", Integer.toString(i), "cpu", h.cpu() < 0 ? "" : Integer.toString(h.cpu()));
            busy.dataPoint(CounterDataPointSnapshot.builder()
                    .labels(labels)
                    .value(h.busyNanos() / 1e9)
                    .build());
            idle.dataPoint(CounterDataPointSnapshot.builder()
                    .labels(labels)
                    .value(h.idleNanos() / 1e9)
                    .build());
        }
        out.metricSnapshot(busy.build()).metricSnapshot(idle.build());
    }

    // ------------------------------------------------------------------ helpers

    private static CounterSnapshot.Builder counter(String name, String help, Unit unit) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
        return unit == null ? b : b.unit(unit);
    }

    private static GaugeSnapshot.Builder gauge(String name, String help, Unit unit) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        return unit == null ? b : b.unit(unit);
    }

    private static CounterDataPointSnapshot point(Labels labels, long value) {
        return CounterDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    private static GaugeDataPointSnapshot gaugePoint(Labels labels, double value) {
        return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }
}
