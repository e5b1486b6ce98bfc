package io.canopy.cli.up;

import io.canopy.cli.registry.ModelUploader;
import io.canopy.common.grpc.GrpcTransports;
import io.canopy.proto.inference.v1.GetModelStatusRequest;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.LoadState;
import io.canopy.proto.inference.v1.ModelVersionStatus;
import io.canopy.proto.registry.v1.InputBinding;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.SetAliasRequest;
import io.canopy.proto.registry.v1.UploadVersionHeader;
import io.canopy.proto.registry.v1.VersionState;
import io.grpc.ManagedChannel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** The {@code --demo} path: train, register as {@code churn@production}, wait until served. */
final class Demo {

  static final String MODEL = "churn";
  private static final Duration LOAD_TIMEOUT = Duration.ofSeconds(60);

  private final Suite suite;
  private final PrintStream out;

  Demo(Suite suite, PrintStream out) {
    this.suite = suite;
    this.out = out;
  }

  void run(long startNanos) throws Exception {
    out.println("demo: training a churn model with XGBoost4J on generated customers ...");
    byte[] model = DemoModel.train();
    ManagedChannel registry = channel(suite.registry().grpcPort());
    ManagedChannel serving = channel(suite.serving().grpcPort());
    try {
      ModelVersion version =
          new ModelUploader(registry)
              .upload(
                  UploadVersionHeader.newBuilder()
                      .setModel(MODEL)
                      .setCreateModel(true)
                      .setDescription("demo: churn classifier on generated data")
                      .setInputBinding(
                          InputBinding.newBuilder()
                              .setFeatureView(DemoFeatures.VIEW)
                              .addAllFeatures(List.of(DemoModel.FEATURES)))
                      .build(),
                  new ByteArrayInputStream(model),
                  120,
                  sent -> {});
      if (version.getState() != VersionState.VERSION_STATE_READY) {
        throw new IllegalStateException("demo model FAILED validation: " + version.getFailureReason());
      }
      ModelRegistryServiceGrpc.newBlockingStub(registry)
          .setAlias(
              SetAliasRequest.newBuilder()
                  .setModel(MODEL)
                  .setAlias("production")
                  .setVersion(version.getVersion())
                  .build());
      out.printf(
          "demo: registered %s version %d (sha256 %s), alias production%n",
          MODEL, version.getVersion(), version.getSha256());
      awaitLoaded(serving, version.getVersion());
      DemoFeatures.write(serving);
      out.printf(
          "demo: feature view %s holds customers %s%n",
          DemoFeatures.VIEW, String.join(", ", DemoFeatures.CUSTOMERS.keySet()));
      String body = "{\"instances\": [" + Arrays.toString(DemoModel.EXAMPLE_ROW) + "]}";
      String url = "http://127.0.0.1:" + suite.gateway().httpPort() + "/v1/models/" + MODEL + ":predict";
      String answer = post(url, body);
      double seconds = (System.nanoTime() - startNanos) / 1e9;
      out.printf("demo: first prediction %.1f s after start: %s%n", seconds, answer);
      out.println("demo: try it (features: " + String.join(", ", DemoModel.FEATURES) + "):");
      out.printf("  curl -s -X POST %s -H 'content-type: application/json' -d '%s'%n", url, body);
      out.printf(
          "  curl -s -X POST %s -H 'content-type: application/json' -d '{\"instances\": [{\"tenure_months\": 40, \"support_calls\": 1}]}'%n",
          url);
      out.printf(
          "  curl -s -X POST %s -H 'content-type: application/json' -d '{\"instances\": [{\"entity\": \"c-1001\"}]}'%n",
          url);
      out.println("demo: more in examples/curl.md");
    } finally {
      registry.shutdownNow();
      serving.shutdownNow();
    }
  }

  private void awaitLoaded(ManagedChannel serving, long version) {
    long deadline = System.nanoTime() + LOAD_TIMEOUT.toNanos();
    var stub = InferenceServiceGrpc.newBlockingStub(serving);
    while (System.nanoTime() < deadline) {
      for (ModelVersionStatus s :
          stub.withDeadlineAfter(5, TimeUnit.SECONDS)
              .getModelStatus(GetModelStatusRequest.newBuilder().setModel(MODEL).build())
              .getVersionsList()) {
        if (s.getVersion() == version && s.getState() == LoadState.LOAD_STATE_AVAILABLE) {
          return;
        }
        if (s.getVersion() == version && s.getState() == LoadState.LOAD_STATE_FAILED) {
          throw new IllegalStateException("serving could not load the demo model: " + s.getReason());
        }
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
    throw new IllegalStateException("serving did not load the demo model within " + LOAD_TIMEOUT);
  }

  private static String post(String url, String body) throws IOException, InterruptedException {
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(url))
                  .header("content-type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IOException("gateway answered " + response.statusCode() + ": " + response.body());
      }
      return response.body();
    }
  }

  private static ManagedChannel channel(int port) {
    return GrpcTransports.channel("127.0.0.1:" + port, GrpcTransports.DEFAULT_MAX_INBOUND_MESSAGE_BYTES);
  }
}
