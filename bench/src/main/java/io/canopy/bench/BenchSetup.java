package io.canopy.bench;

import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.tls.ClientTls;
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
 * The connections and targets one invocation needs, created from the command's options and closed
 * together: the gRPC channel, the HTTP client, the built-in floor server. Connections to the target
 * use its TLS settings; the built-in floor server is local and plaintext.
 */
final class BenchSetup implements AutoCloseable {

  private final BenchCommand options;
  private final TargetKind kind;
  private final LoadShape shape;
  private final ClientTls tls;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final Map<String, Channel> byAddress = new HashMap<>();
  private final Map<String, ManagedChannel> managedByAddress = new HashMap<>();
  private HttpClient httpClient;
  private Payload payload;
  private FloorServer floorServer;

  BenchSetup(BenchCommand options, TargetKind kind, LoadShape shape, ClientTls tls) {
    this.options = options;
    this.kind = kind;
    this.shape = shape;
    this.tls = tls;
  }

  /** The floor: an empty unary call to the built-in server, or to {@code --grpc} when remote. */
  Target floor() {
    if (options.floorRemote) {
      return GrpcTargets.floor(channel(options.grpc), shape.timeout());
    }
    floorServer = new FloorServer();
    return GrpcTargets.floor(channel(floorServer.target(), ClientTls.PLAINTEXT), shape.timeout());
  }

  Target target() throws IOException, InterruptedException {
    return target(options.grpc, options.http);
  }

  /**
   * The target of {@code --target} at the given gRPC address and HTTP base URL instead of {@code
   * --grpc}/{@code --http}: {@code --tune} drives each candidate gateway at its own ports. The rows
   * (discovered on the first call) are the same for every address.
   */
  Target target(String grpcAddress, String httpBase) throws IOException, InterruptedException {
    ModelMix mix = mix();
    ModelRef ref =
        kind.carriesRows()
            ? new ModelRef(
                mix == null ? options.model : mix.models().get(0), options.version, options.alias)
            : null;
    if (kind.carriesRows() && payload == null) {
      payload = payload(ref, grpcAddress, httpBase);
    }
    return switch (kind) {
      case FLOOR -> floor();
      case PREDICT ->
          GrpcTargets.predict(
              channel(grpcAddress), ref, mix, payload, options.rows, shape.timeout());
      case KSERVE ->
          GrpcTargets.kserve(
              channel(grpcAddress), ref, mix, payload, options.rows, options.raw, shape.timeout());
      case FEATURES ->
          GrpcTargets.features(
              channel(grpcAddress),
              options.featureView,
              entities(),
              GrpcTargets.layout(options.layout),
              options.rows,
              shape.timeout());
      case HTTP_PREDICT ->
          HttpTargets.predict(
              http(), httpBase, ref, payload, options.rows, options.token, shape.timeout());
      case HTTP_KSERVE ->
          HttpTargets.kserve(
              http(), httpBase, ref, payload, options.rows, options.token, shape.timeout());
    };
  }

  /** The models of {@code --models}, or null for one model. */
  private ModelMix mix() throws IOException {
    if (options.models == null) {
      return null;
    }
    if (kind != TargetKind.PREDICT && kind != TargetKind.KSERVE) {
      throw new IllegalArgumentException("--models is for the gRPC predict and kserve targets");
    }
    if (options.model != null) {
      throw new IllegalArgumentException("give --model or --models, not both");
    }
    return ModelMix.of(
        options.models,
        options.distribution,
        options.models.contains("*") ? channel(options.registry) : null);
  }

  private Payload payload(ModelRef ref, String grpcAddress, String httpBase)
      throws IOException, InterruptedException {
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
      f = FeatureDiscovery.overHttp(http(), httpBase, ref, options.token, shape.timeout());
    } else {
      f = FeatureDiscovery.overGrpc(channel(grpcAddress), ref, shape.timeout());
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

  /** A channel to the target's address, with the target's TLS. */
  private Channel channel(String address) {
    return channel(address, tls);
  }

  private Channel channel(String address, ClientTls security) {
    return byAddress.computeIfAbsent(address, a -> connect(a, security));
  }

  private Channel connect(String address, ClientTls security) {
    ManagedChannel channel =
        GrpcTransports.channel(address, GrpcTransports.DEFAULT_MAX_INBOUND_MESSAGE_BYTES, security);
    channels.add(channel);
    managedByAddress.put(address, channel);
    if (options.token == null) {
      return channel;
    }
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
        "Bearer " + options.token);
    return ClientInterceptors.intercept(
        channel, MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  /** Shuts the channel to {@code address} down (a candidate gateway that was stopped). */
  void release(String address) {
    byAddress.remove(address);
    ManagedChannel channel = managedByAddress.remove(address);
    if (channel != null) {
      channels.remove(channel);
      channel.shutdownNow();
    }
  }

  /** The HTTP client of the HTTP targets, with the target's TLS. */
  HttpClient http() {
    if (httpClient == null) {
      HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1);
      if (tls.enabled()) {
        if (!options.http.regionMatches(true, 0, "https://", 0, "https://".length())) {
          throw new IllegalArgumentException(
              "--tls-ca needs an https:// --http URL, got " + options.http);
        }
        if (!tls.authority().isEmpty()) {
          // the JDK client checks the certificate against the URL's host and cannot override it
          throw new IllegalArgumentException(
              "--tls-authority applies to gRPC targets only; HTTP checks the --http URL's host");
        }
        builder.sslContext(tls.sslContext());
      }
      httpClient = builder.build();
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
