package io.canopy.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A gateway started as a child JVM ({@link ChildJvm}) for one tuning candidate: {@code
 * io.canopy.gateway.Main} with the candidate's settings, both ports 0, started when its banner
 * names the ports it bound.
 */
final class CandidateGateway implements AutoCloseable {

  static final String MAIN_CLASS = "io.canopy.gateway.Main";

  private static final Pattern BANNER =
      Pattern.compile("gateway: HTTP on ([^ ,]+):(\\d+), gRPC on ([^ ,]+):(\\d+)");

  private final ChildJvm process;
  private final String host;
  private final int httpPort;
  private final int grpcPort;

  private CandidateGateway(ChildJvm process) {
    this.process = process;
    Matcher banner = process.banner();
    this.host = banner.group(3);
    this.httpPort = Integer.parseInt(banner.group(2));
    this.grpcPort = Integer.parseInt(banner.group(4));
  }

  /**
   * Starts a gateway with {@code settings} (e.g. {@code gateway.batching.max-in-flight → 4}) and
   * waits at most {@code startTimeout} for its banner.
   */
  static CandidateGateway start(Map<String, String> settings, Duration startTimeout)
      throws IOException, InterruptedException {
    requireGatewayOnClasspath();
    return new CandidateGateway(
        ChildJvm.start("candidate gateway", MAIN_CLASS, settings, BANNER, startTimeout));
  }

  /** Fails unless this process's classpath has the gateway (the CLI's has; bench's own has not). */
  static void requireGatewayOnClasspath() {
    ChildJvm.requireOnClasspath(MAIN_CLASS);
  }

  /** Its gRPC front, host:port. */
  String grpcTarget() {
    return host + ":" + grpcPort;
  }

  /** Its HTTP front (with /observe/metrics), as a base URL. */
  String httpBase() {
    return "http://" + host + ":" + httpPort;
  }

  @Override
  public void close() throws InterruptedException {
    process.close();
  }
}
