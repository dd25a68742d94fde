package io.peregrine.e2e.lab;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Runs inside a guest and dies the way a native-memory bug kills a JVM: a store through a
 * segment over an address nothing is mapped at, which the JVM answers with SIGSEGV and an
 * hs_err log rather than an exception.
 */
public final class GuestCrashProbe {

    private GuestCrashProbe() {}

    @SuppressWarnings("restricted") // an unmapped address is the point
    public static void main(String[] args) {
        System.out.println("about to crash");
        System.out.flush();
        MemorySegment.ofAddress(8).reinterpret(8).set(ValueLayout.JAVA_LONG, 0, 42L);
        System.out.println("still alive");
    }
}
