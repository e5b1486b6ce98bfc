package io.canopy.common.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks a process-level suite: end-to-end, topology, fault, fuzz, real backends (PostgreSQL,
 * Redis), child JVMs, the real wiring on Netty, or anything taking more than a few seconds.
 * Failsafe runs these after the jar is built ({@code ./canopy test} runs both tiers); Surefire runs
 * the rest, the fast tier a developer runs alone with {@code ./canopy test --fast}.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Tag(ProcessSuite.TAG)
public @interface ProcessSuite {

  /** The JUnit tag Surefire excludes and Failsafe includes. */
  String TAG = "process";
}
