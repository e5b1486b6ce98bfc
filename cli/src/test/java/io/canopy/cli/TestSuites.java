package io.canopy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.cli.registry.ModelUploader;
import io.canopy.cli.up.Suite;
import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.testing.Await;
import io.canopy.proto.inference.v1.GetModelStatusRequest;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.LoadState;
import io.canopy.proto.registry.v1.InputBinding;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.SetAliasRequest;
import io.canopy.proto.registry.v1.UploadVersionHeader;
import io.canopy.proto.registry.v1.VersionState;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Starts the whole suite on port 0 with every store under one temporary directory. */
public final class TestSuites {

  private TestSuites() {}

  static Suite start(Path dir) {
    return start(dir, Map.of());
  }

  public static Suite start(Path dir, Map<String, String> extra) {
    return start(dir, extra, null);
  }

  /** Like {@link #start(Path, Map)}, the services' spans handed to {@code spans}. */
  static Suite start(Path dir, Map<String, String> extra, SpanProcessor spans) {
    Map<String, String> settings = new HashMap<>();
    settings.put("registry.grpc.port", "0");
    settings.put("registry.admin.port", "0");
    settings.put("registry.data-dir", dir.resolve("registry").toString());
    settings.put("serving.grpc.port", "0");
    settings.put("serving.admin.port", "0");
    settings.put("serving.cache-dir", dir.resolve("serving-cache").toString());
    String records = dir.resolve("monitor/records.db").toString();
    settings.put("serving.recording.store.sqlite", records);
    settings.put("gateway.outcomes.store.sqlite", records);
    settings.put("monitor.store.sqlite", records);
    settings.put("monitor.grpc.port", "0");
    settings.put("monitor.admin.port", "0");
    settings.put("serving.features.rocksdb.path", dir.resolve("features").toString());
    settings.put("gateway.http.port", "0");
    settings.put("gateway.grpc.port", "0");
    settings.putAll(extra);
    return Suite.start(settings, spans);
  }

  /** A plaintext channel to a port on loopback. */
  static ManagedChannel channel(int port) {
    return GrpcTransports.channel(
        "127.0.0.1:" + port, GrpcTransports.DEFAULT_MAX_INBOUND_MESSAGE_BYTES);
  }

  /**
   * Waits (at most {@code bound}) until the InferenceService behind {@code channel} (serving, or
   * the gateway forwarding to it) reports {@code version} of {@code model} AVAILABLE.
   */
  static void awaitAvailable(Channel channel, String model, long version, Duration bound) {
    var stub = InferenceServiceGrpc.newBlockingStub(channel);
    Await.until(
        model + " version " + version + " is AVAILABLE",
        bound,
        () ->
            stub
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .getModelStatus(GetModelStatusRequest.newBuilder().setModel(model).build())
                .getVersionsList()
                .stream()
                .anyMatch(
                    s ->
                        s.getVersion() == version
                            && s.getState() == LoadState.LOAD_STATE_AVAILABLE));
  }

  /**
   * The header of the breast-cancer fixture as a new version of {@code model} (created if need be),
   * bound to feature view {@code view} whose features are named f0..f29.
   */
  static UploadVersionHeader breastCancerBoundTo(String model, String view) {
    return UploadVersionHeader.newBuilder()
        .setModel(model)
        .setCreateModel(true)
        .setInputBinding(
            InputBinding.newBuilder().setFeatureView(view).addAllFeatures(BREAST_CANCER_FEATURES))
        .build();
  }

  /** The breast-cancer fixture's feature names, f0..f29. */
  static final List<String> BREAST_CANCER_FEATURES =
      java.util.stream.IntStream.range(0, 30).mapToObj(i -> "f" + i).toList();

  /** Uploads the breast-cancer fixture model with {@code header}; the registry's answer. */
  static ModelVersion uploadBreastCancer(Channel registry, UploadVersionHeader header)
      throws IOException {
    return new ModelUploader(registry)
        .upload(
            header,
            new ByteArrayInputStream(Fixtures.bytes("breast_cancer_binary.ubj")),
            120,
            sent -> {});
  }

  /**
   * Creates {@code model} from the breast-cancer fixture (its version must come back READY), points
   * its {@code production} alias at that version, and waits until the InferenceService behind
   * {@code inference} reports it AVAILABLE.
   */
  static void publishBreastCancer(Channel registry, Channel inference, String model)
      throws IOException {
    ModelVersion v =
        uploadBreastCancer(
            registry,
            UploadVersionHeader.newBuilder().setModel(model).setCreateModel(true).build());
    assertThat(v.getState())
        .as("upload of %s: %s", model, v.getFailureReason())
        .isEqualTo(VersionState.VERSION_STATE_READY);
    ModelRegistryServiceGrpc.newBlockingStub(registry)
        .withDeadlineAfter(60, TimeUnit.SECONDS)
        .setAlias(
            SetAliasRequest.newBuilder()
                .setModel(model)
                .setAlias("production")
                .setVersion(v.getVersion())
                .build());
    awaitAvailable(inference, model, v.getVersion(), Duration.ofSeconds(60));
  }
}
