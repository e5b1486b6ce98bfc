package io.canopy.cli.up;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.cli.TestSuites;
import io.canopy.common.auth.AuthInterceptor;
import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.testing.Await;
import io.canopy.common.testing.ProcessSuite;
import io.canopy.common.testing.Tools;
import io.canopy.proto.inference.v1.GetModelStatusRequest;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.LoadState;
import io.canopy.proto.registry.v1.GetModelRequest;
import io.canopy.proto.registry.v1.Model;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc;
import io.canopy.proto.registry.v1.TrafficSplit;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console in a real browser: headless Chromium (Debian's package), driven by playwright-core
 * from console/package.json through {@code console/e2e/console.e2e.mjs}, against a whole suite with
 * tokens on the registry and the gateway. The script finds the demo model, uploads version 2,
 * promotes it, sets a 90/10 split and sees both versions in the live chart after load, predicts
 * from the form and sees the SHAP bars, looks up an entity; a wrong token and a predict-only token
 * get a clear message and change nothing. Screenshots of every step stay in {@code
 * cli/target/console-screenshots/} for a reviewer; the script's figures (first-load bytes and time
 * to interactive) are printed.
 */
@ProcessSuite
class ConsoleBrowserTest {

  private static final String ADMIN = "console-admin-token-0123456789";
  private static final String PREDICT = "console-viewer-token-0123456789";
  private static final Path CONSOLE = Path.of("..", "console").toAbsolutePath().normalize();
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path SCREENSHOTS = Path.of("target", "console-screenshots").toAbsolutePath();

  @TempDir Path dir;

  @Test
  void aPersonSteersTheDemoModelFromTheBrowser() throws Exception {
    Tools.require(
        Files.isExecutable(CHROMIUM),
        "Debian's chromium is not installed (apt-get install chromium; .ci/run does)");
    Tools.require(
        Files.isDirectory(CONSOLE.resolve("node_modules/playwright-core")),
        "console/node_modules has no playwright-core (the Maven build of console installs it)");
    Map<String, String> settings = new HashMap<>();
    settings.put("registry.auth.admin-token", ADMIN);
    settings.put("gateway.auth.tokens.0.principal", "console-admin");
    settings.put("gateway.auth.tokens.0.token", ADMIN);
    settings.put("gateway.auth.tokens.0.role", "admin");
    settings.put("gateway.auth.tokens.1.principal", "viewer");
    settings.put("gateway.auth.tokens.1.token", PREDICT);
    settings.put("gateway.auth.tokens.1.role", "predict");
    try (Suite suite = TestSuites.start(dir, settings)) {
      ManagedChannel registry = local(suite.registry().grpcPort());
      ManagedChannel serving = local(suite.serving().grpcPort());
      try {
        Channel admin = withToken(registry, ADMIN);
        Demo.register(admin, Demo.MODEL, DemoModel.train(), "demo: churn classifier");
        awaitAvailable(serving, Demo.MODEL, 1);
        DemoFeatures.write(serving);
        Path upload = dir.resolve("churn-v2.txt");
        Files.write(upload, DemoModel.trainLightGbm());

        Files.createDirectories(SCREENSHOTS);
        try (var old = Files.list(SCREENSHOTS)) {
          for (Path png : old.filter(f -> f.toString().endsWith(".png")).toList()) {
            Files.delete(png); // the last run's screenshots only
          }
        }
        String output =
            browse(
                Map.of(
                    "CONSOLE_URL",
                    "http://127.0.0.1:" + suite.gateway().httpPort() + "/ui/",
                    "ADMIN_TOKEN",
                    ADMIN,
                    "PREDICT_TOKEN",
                    PREDICT,
                    "MODEL",
                    Demo.MODEL,
                    "UPLOAD_FILE",
                    upload.toString(),
                    "ENTITY",
                    DemoFeatures.CUSTOMERS.keySet().iterator().next(),
                    "SCREENSHOTS",
                    SCREENSHOTS.toString(),
                    "CHROMIUM",
                    CHROMIUM.toString()));
        output.lines().filter(l -> l.startsWith("CONSOLE-")).forEach(System.out::println);
        assertThat(output).contains("CONSOLE-E2E ok");

        // What the browser did, seen from the registry itself.
        Model model =
            ModelRegistryServiceGrpc.newBlockingStub(registry)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .getModel(GetModelRequest.newBuilder().setName(Demo.MODEL).build())
                .getModel();
        assertThat(model.getAliasesMap()).containsEntry("production", 2L);
        assertThat(model.getTrafficPolicy().getSplitsList())
            .extracting(TrafficSplit::getVersion, TrafficSplit::getPercent)
            .containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(1L, 90),
                org.assertj.core.groups.Tuple.tuple(2L, 10));
        assertThat(SCREENSHOTS.resolve("07-live.png")).exists();
      } finally {
        registry.shutdownNow();
        serving.shutdownNow();
      }
    }
  }

  private static ManagedChannel local(int port) {
    return GrpcTransports.channel(
        "127.0.0.1:" + port, GrpcTransports.DEFAULT_MAX_INBOUND_MESSAGE_BYTES);
  }

  private static Channel withToken(Channel channel, String token) {
    Metadata headers = new Metadata();
    headers.put(AuthInterceptor.AUTHORIZATION, "Bearer " + token);
    return ClientInterceptors.intercept(
        channel, MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private static void awaitAvailable(Channel serving, String model, long version) {
    Await.until(
        model + " v" + version + " loaded",
        Duration.ofSeconds(60),
        () ->
            InferenceServiceGrpc.newBlockingStub(serving)
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .getModelStatus(GetModelStatusRequest.newBuilder().setModel(model).build())
                .getVersionsList()
                .stream()
                .anyMatch(
                    s ->
                        s.getVersion() == version
                            && s.getState() == LoadState.LOAD_STATE_AVAILABLE));
  }

  /** Runs the browser script; its output (stdout and stderr). Fails when it does not exit 0. */
  private String browse(Map<String, String> env) throws IOException, InterruptedException {
    Path log = dir.resolve("console-e2e.log");
    ProcessBuilder pb =
        new ProcessBuilder("node", "e2e/console.e2e.mjs")
            .directory(CONSOLE.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    boolean done = p.waitFor(240, TimeUnit.SECONDS);
    if (!done) {
      p.destroyForcibly();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(done).as("the browser script finished in 240 s:\n" + output).isTrue();
    assertThat(p.exitValue()).as("the browser script:\n" + output).isZero();
    return output;
  }
}
