package io.peregrine.e2e.lab;

import java.io.IOException;
import java.io.InputStream;

/**
 * Runs inside a guest and churns the JIT: fresh copies of one small method, each from its own
 * class loader, are called hot until the next tier replaces their code, {@code args[0]} seconds
 * long. Under TCG with two vCPUs and tiered compilation, replacing a method's C1 code (HotSpot
 * patches its verified entry while this thread keeps calling it) crashes the JVM now and then —
 * with no device and no native memory involved. Prints how many methods it went through.
 */
public final class GuestJitChurnProbe {

    /** What the fresh copies implement; loaded once, by the probe's own loader. */
    public interface Op {
        long apply(long[] values, int index);
    }

    /** The method copied: small, hot, compiled by C1 and then by C2 if tiered compilation is on. */
    public static final class Hot implements Op {
        @Override
        public long apply(long[] values, int index) {
            long v = values[index];
            values[index] = v * 31 + index;
            return v;
        }
    }

    private static final class Fresh extends ClassLoader {
        Fresh(ClassLoader parent) {
            super(parent);
        }

        Class<?> define(byte[] bytes) {
            return defineClass(null, bytes, 0, bytes.length);
        }
    }

    private GuestJitChurnProbe() {}

    public static void main(String[] args) throws ReflectiveOperationException, IOException {
        long seconds = Long.parseLong(args[0]);
        long perMethodNanos = (args.length > 1 ? Long.parseLong(args[1]) : 150) * 1_000_000L;
        byte[] hot;
        try (InputStream in = GuestJitChurnProbe.class.getResourceAsStream("GuestJitChurnProbe$Hot.class")) {
            hot = in.readAllBytes();
        }
        long[] values = new long[512];
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        int methods = 0;
        long sum = 0;
        while (System.nanoTime() < end) {
            Op op = (Op) new Fresh(GuestJitChurnProbe.class.getClassLoader())
                    .define(hot)
                    .getDeclaredConstructor()
                    .newInstance();
            long stop = System.nanoTime() + perMethodNanos;
            while (System.nanoTime() < stop) sum += spin(op, values);
            methods++;
        }
        System.out.println("churned " + methods + " methods (" + sum + ")");
    }

    private static long spin(Op op, long[] values) {
        long s = 0;
        for (int i = 0; i < 1000; i++) s += op.apply(values, i & 511);
        return s;
    }
}
