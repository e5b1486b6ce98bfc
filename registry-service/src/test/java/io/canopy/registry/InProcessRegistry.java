package io.canopy.registry;

import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The real registry wiring on the in-process transport, with a client. */
public final class InProcessRegistry implements AutoCloseable {

  public final RegistryConfig config;
  public final RegistryServer server;
  public final RegistryClient client;
  private final ManagedChannel channel;
  private final TestBackend backend;

  private InProcessRegistry(
      RegistryConfig config, RegistryServer server, ManagedChannel channel, TestBackend backend) {
    this.config = config;
    this.server = server;
    this.channel = channel;
    this.backend = backend;
    this.client = new RegistryClient(channel);
  }

  /** A registry on {@code backend}, with {@code overrides} on top of the backend's settings. */
  public static InProcessRegistry start(
      Path dataDir, TestBackend backend, Map<String, String> overrides) {
    Map<String, String> all = new HashMap<>(backend.overrides());
    all.putAll(overrides);
    RegistryConfig config = TestConfigs.registry(dataDir, all);
    String name = InProcessServerBuilder.generateName();
    RegistryServer server =
        RegistryServer.start(
            config,
            RegistryServer.Seams.real().withTransport(InProcessServerBuilder.forName(name)));
    return new InProcessRegistry(
        config, server, InProcessChannelBuilder.forName(name).build(), backend);
  }

  public static InProcessRegistry start(Path dataDir, Map<String, String> overrides) {
    return start(dataDir, TestBackend.create(Backend.SQLITE_DIRECTORY), overrides);
  }

  public static InProcessRegistry start(Path dataDir) {
    return start(dataDir, Map.of());
  }

  /** A client that sends {@code authorization: Bearer <token>} on every call. */
  public RegistryClient clientWithToken(String token) {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return new RegistryClient(
        ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers)));
  }

  /** Artifacts in the store (files or rows, depending on the backend). */
  public long artifactFiles() {
    return backend.artifactCount(config);
  }

  /** Regular files left in the staging area (partial uploads, validation scratch). */
  public long stagingFiles() {
    return files(config.stagingDir());
  }

  static long files(Path dir) {
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
