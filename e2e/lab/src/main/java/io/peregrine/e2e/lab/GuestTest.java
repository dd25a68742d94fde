package io.peregrine.e2e.lab;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test (class or method) that needs the guest lab. It is tagged {@code guest} and runs
 * only where a guest can boot; elsewhere it is skipped with one line saying why. Test methods
 * may take a {@link GuestLab} parameter.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Tag("guest")
@ExtendWith(GuestLabExtension.class)
public @interface GuestTest {}
