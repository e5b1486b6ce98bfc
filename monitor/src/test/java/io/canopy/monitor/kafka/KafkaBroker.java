package io.canopy.monitor.kafka;

import io.canopy.common.testing.Await;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Kafka broker (KRaft: broker and controller in one process) for tests, run as a
 * child JVM from the kafka_2.13 jars on the test classpath, on free loopback ports, with its data
 * in {@code dir}. {@link #stop} kills it (as a crash would); {@link #start} brings it back on the
 * same ports and data.
 */
public final class KafkaBroker implements AutoCloseable {

  private final Path dir;
  private final int port;
  private final int controllerPort;
  private Process process;

  public KafkaBroker(Path dir) throws IOException, InterruptedException {
    this.dir = dir;
    this.port = freePort();
    this.controllerPort = freePort();
    Files.writeString(
        dir.resolve("server.properties"),
        String.join(
            "\n",
            "process.roles=broker,controller",
            "node.id=1",
            "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
            "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
            "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
            "controller.listener.names=CONTROLLER",
            "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "log.dirs=" + dir.resolve("data"),
            "offsets.topic.replication.factor=1",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "group.initial.rebalance.delay.ms=0",
            "num.partitions=3",
            ""));
    // Kafka's own ids never start with '-', which the format tool would take for an option.
    String clusterId = org.apache.kafka.common.Uuid.randomUuid().toString();
    Process format =
        java(
                "kafka.tools.StorageTool",
                "format",
                "--standalone",
                "-t",
                clusterId,
                "-c",
                dir.resolve("server.properties").toString())
            .redirectOutput(dir.resolve("format.log").toFile())
            .redirectErrorStream(true)
            .start();
    if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
      throw new IOException(
          "kafka storage format failed: " + Files.readString(dir.resolve("format.log")));
    }
    start();
  }

  public String bootstrap() {
    return "127.0.0.1:" + port;
  }

  /** Starts the broker (again) and waits until it accepts connections. */
  public void start() throws IOException {
    process =
        java("kafka.Kafka", dir.resolve("server.properties").toString())
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.log").toFile()))
            .redirectErrorStream(true)
            .start();
    Await.until("the Kafka broker listens on " + port, Duration.ofSeconds(60), this::listening);
  }

  /** Kills the broker (SIGKILL) and waits until it is gone. */
  public void stop() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private boolean listening() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static ProcessBuilder java(String main, String... args) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new java.util.ArrayList<>(
            List.of(java, "-Xmx384m", "-cp", System.getProperty("java.class.path"), main));
    command.addAll(List.of(args));
    return new ProcessBuilder(command);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    stop();
  }
}
