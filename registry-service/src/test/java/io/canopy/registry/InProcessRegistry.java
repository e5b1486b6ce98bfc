package io.canopy.registry;

import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The real registry wiring on the in-process transport, with a client. */
public final class InProcessRegistry implements AutoCloseable {

  public final RegistryConfig config;
  public final RegistryServer server;
  public final RegistryClient client;
  private final ManagedChannel channel;

  private InProcessRegistry(RegistryConfig config, RegistryServer server, ManagedChannel channel) {
    this.config = config;
    this.server = server;
    this.channel = channel;
    this.client = new RegistryClient(channel);
  }

  public static InProcessRegistry start(Path dataDir, Map<String, String> overrides) {
    RegistryConfig config = TestConfigs.registry(dataDir, overrides);
    String name = InProcessServerBuilder.generateName();
    RegistryServer server = RegistryServer.start(config, InProcessServerBuilder.forName(name));
    return new InProcessRegistry(config, server, InProcessChannelBuilder.forName(name).build());
  }

  public static InProcessRegistry start(Path dataDir) {
    return start(dataDir, Map.of());
  }

  /** Regular files under the artifact store. */
  public long artifactFiles() {
    return files(config.artifactDir());
  }

  /** Regular files left in the staging area (partial uploads, validation scratch). */
  public long stagingFiles() {
    return files(config.stagingDir());
  }

  private static long files(Path dir) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow();
    channel.awaitTermination(10, TimeUnit.SECONDS);
    server.close();
  }
}
