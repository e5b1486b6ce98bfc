package io.canopy.common.log;

import io.helidon.logging.common.LogConfig;

/**
 * Configures logging for a Canopy process, first thing in its {@code main}: Helidon's JUL support
 * (helidon-logging-jul) reads {@code logging.properties} from the classpath (common's: Canopy's
 * events at INFO, third-party start-up chatter only when it is a warning, one line per record),
 * unless {@code -Djava.util.logging.config.file} names another file. gRPC, Helidon and the SLF4J
 * users (through slf4j-jdk14) all log through JUL, so one file governs every log line. Its console
 * handler formats with {@link TraceLogFormatter}: a line logged inside a traced call ends its
 * message with {@code trace=<trace id>}.
 */
public final class Logging {

  private Logging() {}

  public static void configure() {
    LogConfig.configureRuntime();
  }
}
