package io.peregrine.nvmf.fabrics.spec;

/**
 * An Asynchronous Event Request completion (NVMe Base 2.1, "Asynchronous Event Request command",
 * completion queue entry dword 0): event type (2:0), event information (15:8) and the log page
 * that tells more (23:16). And the Asynchronous Event Configuration feature bits (FID 0Bh) that
 * enable the notices this target raises.
 */
public enum AsyncEvent {
    /** Notice: a namespace's Identify Namespace data changed (its size); see the Changed Namespace List. */
    NAMESPACE_ATTRIBUTE_CHANGED(Types.NOTICE, 0x00, 0x04, 1 << 8),
    /** Notice: the Discovery log page changed. */
    DISCOVERY_LOG_CHANGED(Types.NOTICE, 0xF0, 0x70, 1 << 31);

    private final int type;
    private final int info;
    private final int logPage;
    private final int configBit;

    AsyncEvent(int type, int info, int logPage, int configBit) {
        this.type = type;
        this.info = info;
        this.logPage = logPage;
        this.configBit = configBit;
    }

    /** Asynchronous Event Types. */
    public static final class Types {
        public static final int ERROR = 0;
        public static final int SMART_HEALTH = 1;
        public static final int NOTICE = 2;

        private Types() {}
    }

    /** Completion dword 0 reporting this event. */
    public int dw0() {
        return type | (info << 8) | (logPage << 16);
    }

    /** The Log Page Identifier whose read (with RAE clear) re-arms this event. */
    public int logPage() {
        return logPage;
    }

    /** The Asynchronous Event Configuration bit that enables this event. */
    public int configBit() {
        return configBit;
    }

    public static int type(int dw0) {
        return dw0 & 0x7;
    }

    public static int info(int dw0) {
        return (dw0 >>> 8) & 0xff;
    }

    public static int logPage(int dw0) {
        return (dw0 >>> 16) & 0xff;
    }
}
