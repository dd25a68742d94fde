package io.peregrine.nvmf.discovery;

import io.peregrine.nvmf.core.Nqn;
import io.peregrine.nvmf.core.Port;
import io.peregrine.nvmf.core.Subsystem;
import io.peregrine.nvmf.core.Target;
import io.peregrine.nvmf.fabrics.spec.DiscoveryLogPage;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the Discovery log page (LID 70h) a discovery controller returns to one host: an entry
 * per port for every subsystem that host may connect to -- never a subsystem it may not -- and
 * one for the discovery subsystem itself (SUBTYPE 3, NVMe Base 2.1).
 */
public final class DiscoveryLog {
    /** ASQSZ: the largest admin queue a host may create. */
    static final int ADMIN_QUEUE_SIZE = 32;

    private DiscoveryLog() {}

    /** What one entry describes. */
    public record Entry(Port port, String address, String subnqn, int subtype) {}

    /**
     * The entries {@code hostNqn} may see. {@code local} is the address the host reached us on,
     * which replaces a wildcard listener address.
     */
    public static List<Entry> entries(Target target, String hostNqn, SocketAddress local) {
        List<Entry> entries = new ArrayList<>();
        for (Port port : target.ports()) {
            String address = advertised(port, local);
            for (Subsystem subsystem : target.subsystems()) {
                if (subsystem.hostAllowed(hostNqn)) {
                    entries.add(new Entry(port, address, subsystem.nqn(), DiscoveryLogPage.SUBTYPE_NVME));
                }
            }
            entries.add(new Entry(port, address, Nqn.DISCOVERY, DiscoveryLogPage.SUBTYPE_CURRENT_DISCOVERY));
        }
        return entries;
    }

    /** The whole page: header plus entries. */
    public static MemorySegment page(Target target, String hostNqn, SocketAddress local) {
        long generation = target.discoveryGeneration();
        List<Entry> entries = entries(target, hostNqn, local);
        MemorySegment page = MemorySegment.ofArray(new byte[(int) DiscoveryLogPage.entry(entries.size())]);
        DiscoveryLogPage.GENCTR.set(page, generation);
        DiscoveryLogPage.NUMREC.set(page, entries.size());
        DiscoveryLogPage.RECFMT.set(page, 0);
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            long base = DiscoveryLogPage.entry(i);
            DiscoveryLogPage.TRTYPE.set(page, base, DiscoveryLogPage.TRTYPE_TCP);
            DiscoveryLogPage.ADRFAM.set(page, base, addressFamily(entry.address()));
            DiscoveryLogPage.SUBTYPE.set(page, base, entry.subtype());
            DiscoveryLogPage.TREQ.set(page, base, DiscoveryLogPage.TREQ_DISABLE_SQ_FLOW_CONTROL);
            DiscoveryLogPage.PORTID.set(page, base, entry.port().portId());
            DiscoveryLogPage.CNTLID.set(page, base, DiscoveryLogPage.CNTLID_DYNAMIC);
            DiscoveryLogPage.ASQSZ.set(page, base, ADMIN_QUEUE_SIZE);
            DiscoveryLogPage.EFLAGS.set(
                    page,
                    base,
                    entry.subtype() == DiscoveryLogPage.SUBTYPE_CURRENT_DISCOVERY ? DiscoveryLogPage.EFLAGS_EPCSD : 0);
            ascii(
                    page,
                    base + DiscoveryLogPage.TRSVCID.offset(),
                    32,
                    Integer.toString(entry.port().port()));
            ascii(page, base + DiscoveryLogPage.TRADDR.offset(), 256, entry.address());
            utf8z(page, base + DiscoveryLogPage.SUBNQN.offset(), entry.subnqn());
            DiscoveryLogPage.TSAS_TCP_SECTYPE.set(page, base, 0);
        }
        return page;
    }

    private static String advertised(Port port, SocketAddress local) {
        String address = port.address();
        boolean wildcard = address.equals("0.0.0.0") || address.equals("::") || address.equals("0:0:0:0:0:0:0:0");
        if (wildcard && local instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return address;
    }

    private static int addressFamily(String address) {
        return address.indexOf(':') >= 0 ? DiscoveryLogPage.ADRFAM_IPV6 : DiscoveryLogPage.ADRFAM_IPV4;
    }

    private static void ascii(MemorySegment page, long offset, int length, String value) {
        io.peregrine.nvme.spec.Le.setAscii(page, offset, length, value);
    }

    private static void utf8z(MemorySegment page, long offset, String value) {
        io.peregrine.nvme.spec.Le.setUtf8z(page, offset, 256, value);
    }
}
