package io.canopy.cli.up;

import io.canopy.cli.registry.ModelUploader;
import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.tls.ClientTls;
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
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The {@code --demo} path: train, register as {@code churn@production} (XGBoost) and {@code
 * churn-lgbm@production} (LightGBM), wait until served. Its calls to a service that serves TLS use
 * the given client TLS ({@code up --tls-*}); to the others, plaintext.
 */
final class Demo {

  static final String MODEL = "churn";

  /** The same classifier trained by LightGBM, so a newcomer sees both formats answer. */
  static final String LIGHTGBM_MODEL = "churn-lgbm";

  private static final Duration LOAD_TIMEOUT = Duration.ofSeconds(60);

  private final Suite suite;
  private final ClientTls tls;
  private final PrintStream out;

  /** {@code tls} must satisfy {@link #requireClientTls} for {@code suite}. */
  Demo(Suite suite, ClientTls tls, PrintStream out) {
    requireClientTls(suite.tls(), tls);
    this.suite = suite;
    this.tls = tls;
    this.out = out;
  }

  /**
   * Fails when the suite's TLS needs what {@code client} lacks: a CA to trust when any service
   * serves TLS, a client certificate when any requires one; the message names the options.
   */
  static void requireClientTls(Suite.Tls suite, ClientTls client) {
    if (suite.any() && !client.enabled()) {
      List<String> services = new ArrayList<>();
      if (suite.registry()) {
        services.add("registry");
      }
      if (suite.serving()) {
        services.add("serving");
      }
      if (suite.gateway()) {
        services.add("gateway");
      }
      throw new IllegalArgumentException(
          "the suite serves TLS ("
              + String.join(", ", services)
              + "): pass --tls-ca with the CA"
              + " its certificates chain to, so the demo's client can reach it");
    }
    if (suite.clientCertificates() && !client.presentsCertificate()) {
      throw new IllegalArgumentException(
          "the suite requires client certificates (<service>.tls.client-ca): pass --tls-cert and"
              + " --tls-key for the demo's client");
    }
  }

  void run(long startNanos) throws Exception {
    out.println("demo: training a churn model with XGBoost4J on generated customers ...");
    byte[] model = DemoModel.train();
    Suite.Tls served = suite.tls();
    ManagedChannel registry = channel(suite.registry().grpcPort(), served.registry());
    ManagedChannel serving = channel(suite.serving().grpcPort(), served.serving());
    try {
      ModelVersion version =
          register(registry, MODEL, model, "demo: churn classifier on generated data");
      out.printf(
          "demo: registered %s version %d (sha256 %s), alias production%n",
          MODEL, version.getVersion(), version.getSha256());
      awaitLoaded(serving, MODEL, version.getVersion());
      DemoFeatures.write(serving);
      out.printf(
          "demo: feature view %s holds customers %s%n",
          DemoFeatures.VIEW, String.join(", ", DemoFeatures.CUSTOMERS.keySet()));
      String body = "{\"instances\": [" + Arrays.toString(DemoModel.EXAMPLE_ROW) + "]}";
      String url =
          (served.gateway() ? "https" : "http")
              + "://127.0.0.1:"
              + suite.gateway().httpPort()
              + "/v1/models/"
              + MODEL
              + ":predict";
      String answer = post(url, body, served.gateway());
      double seconds = (System.nanoTime() - startNanos) / 1e9;
      out.printf("demo: first prediction %.1f s after start: %s%n", seconds, answer);
      out.println("demo: try it (features: " + String.join(", ", DemoModel.FEATURES) + "):");
      String curl = "  curl -s" + curlTls(served.gateway());
      out.printf("%s -X POST %s -H 'content-type: application/json' -d '%s'%n", curl, url, body);
      out.printf(
          "%s -X POST %s -H 'content-type: application/json' -d '{\"instances\": [{\"tenure_months\": 40, \"support_calls\": 1}]}'%n",
          curl, url);
      out.printf(
          "%s -X POST %s -H 'content-type: application/json' -d '{\"instances\": [{\"entity\": \"c-1001\"}]}'%n",
          curl, url);
      out.println("demo: more in examples/curl.md");
      ModelVersion lightgbm =
          register(
              registry,
              LIGHTGBM_MODEL,
              DemoModel.trainLightGbm(),
              "demo: the same churn classifier trained by LightGBM");
      awaitLoaded(serving, LIGHTGBM_MODEL, lightgbm.getVersion());
      String lightgbmUrl = url.replace("/" + MODEL + ":", "/" + LIGHTGBM_MODEL + ":");
      out.printf(
          "demo: %s, the same model trained by LightGBM, answers the same customer: %s%n",
          LIGHTGBM_MODEL, post(lightgbmUrl, body, served.gateway()));
      ManagedChannel gateway = channel(suite.gateway().grpcPort(), served.gateway());
      try {
        int sent = DemoTraffic.send(gateway);
        suite.serving().awaitRecorded(Duration.ofSeconds(30));
        out.printf(
            "demo: sent %d predictions with their outcomes (after the first %d, customers are"
                + " older: feature age drifts); see them with:%n  ./canopy monitor %s%n",
            sent, DemoTraffic.BASELINE, MODEL);
      } finally {
        gateway.shutdownNow();
      }
    } finally {
      registry.shutdownNow();
      serving.shutdownNow();
    }
  }

  /** Uploads a demo model bound to the customers feature view and points production at it. */
  static ModelVersion register(Channel registry, String model, byte[] bytes, String description)
      throws Exception {
    ModelVersion version =
        new ModelUploader(registry)
            .upload(
                UploadVersionHeader.newBuilder()
                    .setModel(model)
                    .setCreateModel(true)
                    .setDescription(description)
                    .setInputBinding(
                        InputBinding.newBuilder()
                            .setFeatureView(DemoFeatures.VIEW)
                            .addAllFeatures(List.of(DemoModel.FEATURES)))
                    .build(),
                new ByteArrayInputStream(bytes),
                120,
                sent -> {});
    if (version.getState() != VersionState.VERSION_STATE_READY) {
      throw new IllegalStateException(
          "demo model " + model + " FAILED validation: " + version.getFailureReason());
    }
    ModelRegistryServiceGrpc.newBlockingStub(registry)
        .setAlias(
            SetAliasRequest.newBuilder()
                .setModel(model)
                .setAlias("production")
                .setVersion(version.getVersion())
                .build());
    return version;
  }

  private void awaitLoaded(ManagedChannel serving, String model, long version) {
    long deadline = System.nanoTime() + LOAD_TIMEOUT.toNanos();
    var stub = InferenceServiceGrpc.newBlockingStub(serving);
    while (System.nanoTime() < deadline) {
      for (ModelVersionStatus s :
          stub.withDeadlineAfter(5, TimeUnit.SECONDS)
              .getModelStatus(GetModelStatusRequest.newBuilder().setModel(model).build())
              .getVersionsList()) {
        if (s.getVersion() == version && s.getState() == LoadState.LOAD_STATE_AVAILABLE) {
          return;
        }
        if (s.getVersion() == version && s.getState() == LoadState.LOAD_STATE_FAILED) {
          throw new IllegalStateException(
              "serving could not load the demo model: " + s.getReason());
        }
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
    throw new IllegalStateException("serving did not load the demo model within " + LOAD_TIMEOUT);
  }

  /** curl's TLS options for the gateway: its CA and, for mutual TLS, our certificate. */
  private String curlTls(boolean gatewayTls) {
    if (!gatewayTls) {
      return "";
    }
    String options = " --cacert " + absolute(tls.trustCa());
    if (tls.presentsCertificate()) {
      options += " --cert " + absolute(tls.certChain()) + " --key " + absolute(tls.privateKey());
    }
    return options;
  }

  /** The file's absolute path, single-quoted for the shell when it needs to be. */
  private static String absolute(Path file) {
    String path = file.toAbsolutePath().toString();
    return path.matches("[A-Za-z0-9/._+-]+") ? path : "'" + path.replace("'", "'\\''") + "'";
  }

  private String post(String url, String body, boolean gatewayTls)
      throws IOException, InterruptedException {
    HttpClient.Builder client = HttpClient.newBuilder();
    if (gatewayTls) {
      client.sslContext(tls.sslContext());
    }
    try (HttpClient http = client.build()) {
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

  private ManagedChannel channel(int port, boolean serviceTls) {
    return GrpcTransports.channel(
        "127.0.0.1:" + port,
        GrpcTransports.DEFAULT_MAX_INBOUND_MESSAGE_BYTES,
        serviceTls ? tls : ClientTls.PLAINTEXT);
  }
}
