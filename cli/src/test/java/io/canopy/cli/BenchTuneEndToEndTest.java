package io.canopy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.canopy.cli.up.Suite;
import io.canopy.common.testing.ProcessSuite;
import io.grpc.ManagedChannel;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code canopy bench --tune} against a real suite on port 0: each candidate is a real gateway
 * child process in front of the suite's serving and registry, and the batches each one formed (read
 * from its own metrics) show that its settings were the ones applied: with max-batch-rows 1 no
 * batch carries two rows, and with max-in-flight 1 and several clients batches do form (with the
 * shipped 8 in flight, at most 8 clients never queue, so every batch would carry one row).
 */
@ProcessSuite
class BenchTuneEndToEndTest {

  private static final String MODEL = "tuned";

  @TempDir static Path dataDir;
  @TempDir Path out;
  private static Suite suite;

  @BeforeAll
  static void startSuiteAndPublishAModel() throws Exception {
    suite = TestSuites.start(dataDir);
    ManagedChannel registry = TestSuites.channel(suite.registry().grpcPort());
    ManagedChannel serving = TestSuites.channel(suite.serving().grpcPort());
    try {
      TestSuites.publishBreastCancer(registry, serving, MODEL);
    } finally {
      registry.shutdownNow();
      serving.shutdownNow();
    }
  }

  @AfterAll
  static void stopSuite() {
    if (suite != null) {
      suite.close();
    }
  }

  @Test
  void tune_twoCandidates_eachGatewayRanWithItsOwnSettingsAndTheWinnerIsOneOfThem()
      throws Exception {
    Path png = out.resolve("tune.png");

    Run run =
        bench(
            "--tune",
            "--p99",
            "30s",
            "--model",
            MODEL,
            "--serving",
            "127.0.0.1:" + suite.serving().grpcPort(),
            "--registry",
            "127.0.0.1:" + suite.registry().grpcPort(),
            "--tune-delays",
            "0ms",
            "--tune-batch-rows",
            "1,64",
            "--tune-in-flight",
            "1",
            "--tune-max-clients",
            "8",
            "--tune-warmup",
            "200ms",
            "--tune-step",
            "700ms",
            "--tune-budget",
            "4m",
            "--json",
            "--plot",
            png.toString());

    assertThat(run.code()).as("stderr: %s", run.stderr()).isZero();
    JsonNode report = new ObjectMapper().readTree(run.stdout());
    assertThat(report.get("met_target").asBoolean()).isTrue();
    List<JsonNode> candidates = new ArrayList<>();
    report.get("candidates").forEach(candidates::add);
    assertThat(candidates)
        .extracting(c -> c.get("max_batch_rows").asInt())
        .containsExactlyInAnyOrder(64, 1);
    for (JsonNode c : candidates) {
      assertThat(c.get("failure")).as("candidate %s", c).isNull();
      assertThat(c.get("steps").size()).as("candidate %s", c).isGreaterThanOrEqualTo(3);
      if (c.get("max_batch_rows").asInt() == 1) {
        assertThat(maxBatchBounds(c)).as("max-batch-rows 1 applied: %s", c).containsOnly(1.0);
      } else {
        assertThat(maxBatchBounds(c)).as("max-in-flight 1 applied: %s", c).anyMatch(b -> b > 1);
      }
    }
    JsonNode winner = report.get("winner");
    assertThat(winner.get("max_in_flight").asInt()).isEqualTo(1);
    assertThat(winner.get("system_properties").toString())
        .contains("gateway.batching.max-batch-rows=" + winner.get("max_batch_rows").asInt());
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(1000);
    assertThat(image.getHeight()).isEqualTo(600);
  }

  @Test
  void tune_nthread_candidateRanOnAServingReplicaStartedWithThatNthread() throws Exception {
    Run run =
        bench(
            "--tune",
            "--p99",
            "30s",
            "--model",
            MODEL,
            "--registry",
            "127.0.0.1:" + suite.registry().grpcPort(),
            "--tune-nthread",
            "2",
            "--tune-delays",
            "0ms",
            "--tune-batch-rows",
            "64",
            "--tune-in-flight",
            "1",
            "--tune-max-clients",
            "4",
            "--tune-warmup",
            "200ms",
            "--tune-step",
            "500ms",
            "--tune-budget",
            "3m",
            "--json");

    assertThat(run.code()).as("stderr: %s", run.stderr()).isZero();
    // The replica's banner said nthread 2 (a candidate fails otherwise), and it was started for it.
    assertThat(run.stderr()).contains("nthread 2: starting a serving replica");
    JsonNode report = new ObjectMapper().readTree(run.stdout());
    JsonNode candidate = report.get("candidates").get(0);
    assertThat(report.get("candidates").size()).isEqualTo(1);
    assertThat(candidate.get("failure")).as("candidate %s", candidate).isNull();
    assertThat(candidate.get("nthread").asInt()).isEqualTo(2);
    assertThat(candidate.get("steps").size()).isGreaterThanOrEqualTo(2);
    assertThat(report.get("winner").get("yaml").asText())
        .contains("serving:\n  predict:\n    nthread: 2");
  }

  private record Run(int code, String stdout, String stderr) {}

  /** {@code canopy bench ARGS} in this JVM. */
  private static Run bench(String... args) {
    StringWriter stdout = new StringWriter();
    StringWriter stderr = new StringWriter();
    var cli = io.canopy.cli.Main.commandLine();
    cli.setOut(new PrintWriter(stdout, true));
    cli.setErr(new PrintWriter(stderr, true));
    String[] all = new String[args.length + 1];
    all[0] = "bench";
    System.arraycopy(args, 0, all, 1, args.length);
    int code = cli.execute(all);
    return new Run(code, stdout.toString(), stderr.toString());
  }

  /** Each step's bound on its largest batch, for the steps that sent any. */
  private static List<Double> maxBatchBounds(JsonNode candidate) {
    List<Double> bounds = new ArrayList<>();
    for (JsonNode step : candidate.get("steps")) {
      if (step.get("upstream_batches").asLong() > 0) {
        bounds.add(step.get("max_batch_rows_at_most").asDouble());
      }
    }
    assertThat(bounds).as("steps that sent batches: %s", candidate).isNotEmpty();
    return bounds;
  }
}
