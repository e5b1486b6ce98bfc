package io.canopy.bench;

import io.canopy.common.grpc.GrpcTransports;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The connections and targets one invocation needs, created from the command's options and
 * closed together: the gRPC channel, the HTTP client, the built-in floor server.
 */
final class BenchSetup implements AutoCloseable {

  private final BenchCommand options;
  private final TargetKind kind;
  private final LoadShape shape;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final Map<String, Channel> byAddress = new HashMap<>();
  private HttpClient httpClient;
  private FloorServer floorServer;

  BenchSetup(BenchCommand options, TargetKind kind, LoadShape shape) {
    this.options = options;
    this.kind = kind;
    this.shape = shape;
  }

  /** The floor: an empty unary call to the built-in server, or to {@code --grpc} when remote. */
  Target floor() {
    String address = options.grpc;
    if (!options.floorRemote) {
      floorServer = new FloorServer();
      address = floorServer.target();
    }
    return GrpcTargets.floor(channel(address), shape.timeout());
  }

  Target target() throws IOException, InterruptedException {
    ModelRef ref = kind.carriesRows() ? new ModelRef(options.model, options.version, options.alias) : null;
    Payload payload = kind.carriesRows() ? payload(ref) : null;
    return switch (kind) {
      case FLOOR -> floor();
      case PREDICT -> GrpcTargets.predict(channel(options.grpc), ref, payload, options.rows, shape.timeout());
      case KSERVE ->
          GrpcTargets.kserve(channel(options.grpc), ref, payload, options.rows, options.raw, shape.timeout());
      case FEATURES ->
          GrpcTargets.features(
              channel(options.grpc), options.featureView, entities(), options.rows, shape.timeout());
      case HTTP_PREDICT ->
          HttpTargets.predict(http(), options.http, ref, payload, options.rows, options.token, shape.timeout());
      case HTTP_KSERVE ->
          HttpTargets.kserve(http(), options.http, ref, payload, options.rows, options.token, shape.timeout());
    };
  }

  private Payload payload(ModelRef ref) throws IOException, InterruptedException {
    if (options.csv != null) {
      Payload csv = Payload.csv(options.csv);
      if (options.features != null && options.features != csv.numFeatures()) {
        throw new IllegalArgumentException(
            "--features " + options.features + " but --csv has " + csv.numFeatures() + " columns");
      }
      return csv;
    }
    int f;
    if (options.features != null) {
      f = options.features;
    } else if (kind.http()) {
      f = FeatureDiscovery.overHttp(http(), options.http, ref, options.token, shape.timeout());
    } else {
      f = FeatureDiscovery.overGrpc(channel(options.grpc), ref, shape.timeout());
    }
    return Payload.generated(f, options.seed);
  }

  private List<String> entities() throws IOException {
    if (options.entities == null || options.entities.isBlank()) {
      return List.of();
    }
    List<String> keys =
        options.entities.startsWith("@")
            ? Files.readAllLines(Path.of(options.entities.substring(1)), StandardCharsets.UTF_8)
            : Arrays.asList(options.entities.split(","));
    return keys.stream().map(String::strip).filter(k -> !k.isEmpty()).toList();
  }

  private Channel channel(String address) {
    return byAddress.computeIfAbsent(address, this::connect);
  }

  private Channel connect(String address) {
    ManagedChannel channel = GrpcTransports.channel(address, GrpcTransports.DEFAULT_MAX_INBOUND_MESSAGE_BYTES);
    channels.add(channel);
    if (options.token == null) {
      return channel;
    }
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + options.token);
    return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private HttpClient http() {
    if (httpClient == null) {
      httpClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }
    return httpClient;
  }

  @Override
  public void close() throws InterruptedException {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow();
    }
    for (ManagedChannel channel : channels) {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    }
    if (httpClient != null) {
      httpClient.close();
    }
    if (floorServer != null) {
      floorServer.close();
    }
  }
}
