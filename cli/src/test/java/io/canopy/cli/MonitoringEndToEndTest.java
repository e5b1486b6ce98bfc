package io.canopy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.canopy.cli.up.Suite;
import io.canopy.common.testing.ProcessSuite;
import io.canopy.monitor.store.MonitorStore;
import io.canopy.monitor.store.StoreSettings;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.kserve.v2.GRPCInferenceServiceGrpc;
import io.canopy.proto.kserve.v2.ModelMetadataRequest;
import io.canopy.proto.monitor.v1.CompareVersionsRequest;
import io.canopy.proto.monitor.v1.CompareVersionsResponse;
import io.canopy.proto.monitor.v1.GetQualityRequest;
import io.canopy.proto.monitor.v1.MonitorServiceGrpc;
import io.canopy.proto.monitor.v1.Outcome;
import io.canopy.proto.monitor.v1.OutcomeServiceGrpc;
import io.canopy.proto.monitor.v1.PredictionRecord;
import io.canopy.proto.monitor.v1.QualityReport;
import io.canopy.proto.monitor.v1.RecordOutcomesRequest;
import io.canopy.proto.monitor.v1.Verdict;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc;
import io.canopy.proto.registry.v1.SetTrafficPolicyRequest;
import io.canopy.proto.registry.v1.ShadowTarget;
import io.canopy.proto.registry.v1.TrafficPolicy;
import io.canopy.proto.registry.v1.TrafficSplit;
import io.canopy.proto.registry.v1.UploadVersionHeader;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Monitoring through the whole suite: predictions through the gateway are recorded by serving with
 * their request id, route and inputs; outcomes come in over gRPC and HTTP (bad items refused by
 * name, the rest kept); the monitor's AUC equals one computed here from the gateway's answers.
 */
@ProcessSuite
class MonitoringEndToEndTest {

  private static final String MODEL = "churn-like";
  private static final int FEATURES = 30;

  @TempDir static Path dir;
  private static Suite suite;
  private static ManagedChannel registry;
  private static ManagedChannel gateway;
  private static ManagedChannel monitor;
  private static final List<Float> scores = new ArrayList<>();
  private static final List<Integer> labels = new ArrayList<>();

  @BeforeAll
  static void predictAndReport() throws Exception {
    suite =
        TestSuites.start(
            dir,
            java.util.Map.of(
                "monitor.compare.min-outcomes", "20", "monitor.drift.baseline-rows", "10"));
    registry = TestSuites.channel(suite.registry().grpcPort());
    gateway = TestSuites.channel(suite.gateway().grpcPort());
    monitor = TestSuites.channel(suite.monitor().grpcPort());
    TestSuites.publishBreastCancer(registry, gateway, MODEL);
    // Version 2 (the same trees) shadows version 1 on every request.
    TestSuites.uploadBreastCancer(
        registry, UploadVersionHeader.newBuilder().setModel(MODEL).build());
    ModelRegistryServiceGrpc.newBlockingStub(registry)
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .setTrafficPolicy(
            SetTrafficPolicyRequest.newBuilder()
                .setModel(MODEL)
                .setPolicy(
                    TrafficPolicy.newBuilder()
                        .addSplits(TrafficSplit.newBuilder().setVersion(1).setPercent(100))
                        .setShadow(ShadowTarget.newBuilder().setVersion(2).setSampleRate(1.0)))
                .build());
    TestSuites.awaitAvailable(gateway, MODEL, 2, Duration.ofSeconds(60));
    // The gateway applies the registry's changes in order, from one watch stream: once it routes
    // a model made after the policy, it shadows every request below (version 2 loads at once —
    // its bytes were verified as version 1 — so serving may be ready before the gateway knows).
    TestSuites.publishBreastCancer(registry, gateway, "made-after-the-policy");
    io.canopy.common.testing.Await.until(
        "the gateway routes a model made after the traffic policy",
        Duration.ofSeconds(60),
        () -> {
          try {
            GRPCInferenceServiceGrpc.newBlockingStub(gateway)
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .modelMetadata(
                    ModelMetadataRequest.newBuilder().setName("made-after-the-policy").build());
            return true;
          } catch (io.grpc.StatusRuntimeException notYet) {
            return false;
          }
        });
    float[] rows = Fixtures.matrix("breast_cancer_rows.csv", FEATURES);
    var predict = InferenceServiceGrpc.newBlockingStub(gateway);
    Random random = new Random(11);
    for (int r = 0; r < rows.length / FEATURES; r++) {
      DenseRows.Builder dense = DenseRows.newBuilder().setNumFeatures(FEATURES);
      for (int f = 0; f < FEATURES; f++) {
        dense.addValues(rows[r * FEATURES + f]);
      }
      float p =
          predict
              .withDeadlineAfter(30, TimeUnit.SECONDS)
              .predict(
                  PredictRequest.newBuilder()
                      .setModel(MODEL)
                      .setDense(dense)
                      .setRequestId("q" + r)
                      .build())
              .getValues(0);
      scores.add(p);
      // The truth mostly agrees with the model; one in five is flipped.
      labels.add((p >= 0.5) != (random.nextDouble() < 0.2) ? 1 : 0);
    }
    // Shadow copies go out after each answer: wait for both versions' records.
    int expected = 2 * scores.size();
    io.canopy.common.testing.Await.until(
        "both versions' records are stored",
        Duration.ofSeconds(30),
        () -> {
          try {
            suite.serving().awaitRecorded(Duration.ofSeconds(5));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
          }
          try (MonitorStore store = store()) {
            return store.predictionCount() == expected;
          }
        });
  }

  private static MonitorStore store() {
    return MonitorStore.open(StoreSettings.sqlite(dir.resolve("monitor/records.db")));
  }

  @AfterAll
  static void stop() {
    for (ManagedChannel c : new ManagedChannel[] {registry, gateway, monitor}) {
      if (c != null) {
        c.shutdownNow();
      }
    }
    if (suite != null) {
      suite.close();
    }
  }

  private static QualityReport quality() {
    return MonitorServiceGrpc.newBlockingStub(monitor)
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .getQuality(GetQualityRequest.newBuilder().setModel(MODEL).setVersion(1).build())
        .getReports(0);
  }

  @Test
  void recordsAndOutcomes_giveTheAucOfTheGatewaysAnswers() throws Exception {
    int half = scores.size() / 2;
    // The first half over gRPC, with one bad label and one unknown request id.
    RecordOutcomesRequest.Builder grpc = RecordOutcomesRequest.newBuilder().setModel(MODEL);
    for (int i = 0; i < half; i++) {
      grpc.addOutcomes(Outcome.newBuilder().setRequestId("q" + i).setLabel(labels.get(i)));
    }
    grpc.addOutcomes(Outcome.newBuilder().setRequestId("nobody").setLabel(1));
    grpc.addOutcomes(Outcome.newBuilder().setRequestId("q0").setLabel(3));
    StatusRuntimeException refused = null;
    try {
      OutcomeServiceGrpc.newBlockingStub(gateway)
          .withDeadlineAfter(30, TimeUnit.SECONDS)
          .recordOutcomes(grpc.build());
    } catch (StatusRuntimeException e) {
      refused = e;
    }
    assertThat(refused).isNotNull();
    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(refused.getStatus().getDescription())
        .contains("outcomes[" + (half + 1) + "].label")
        .contains(half + 1 + " kept");
    // The second half over HTTP.
    StringBuilder body = new StringBuilder("{\"outcomes\": [");
    for (int i = half; i < scores.size(); i++) {
      body.append(i == half ? "" : ",")
          .append("{\"request_id\": \"q")
          .append(i)
          .append("\", \"label\": ")
          .append(labels.get(i))
          .append('}');
    }
    body.append("]}");
    HttpResponse<String> http =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + suite.gateway().httpPort()
                                + "/v1/models/"
                                + MODEL
                                + "/outcomes"))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(http.statusCode()).as(http.body()).isEqualTo(200);
    assertThat(http.body()).contains("\"accepted\":" + (scores.size() - half));

    QualityReport q = quality();

    assertThat(q.getPredictions()).isEqualTo(scores.size());
    assertThat(q.getWithOutcome()).isEqualTo(scores.size());
    assertThat(q.getUnmatchedOutcomes()).isEqualTo(1);
    assertThat(q.getBinary().getAuc()).isCloseTo(auc(), within(1e-12));
    assertThat(q.getBinary().getPositives()).isEqualTo(labels.stream().filter(l -> l == 1).count());

    // The gauges catch up within their interval.
    String auc = String.format(java.util.Locale.ROOT, "%.3f", auc());
    io.canopy.common.testing.Await.until(
        "canopy_monitor_auc for v1 on the monitor's /observe/metrics",
        Duration.ofSeconds(30),
        () -> {
          String metrics = metrics();
          return metrics
              .lines()
              .anyMatch(
                  l ->
                      l.startsWith("canopy_monitor_auc{")
                          && l.contains("model=\"" + MODEL + "\"")
                          && l.contains("version=\"1\"")
                          && l.contains("window=\"1h\"")
                          && l.contains(" " + auc.substring(0, 4)));
        });

    CompareVersionsResponse shadow =
        MonitorServiceGrpc.newBlockingStub(monitor)
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .compareVersions(CompareVersionsRequest.newBuilder().setModel(MODEL).build());
    assertThat(shadow.getChampion()).isEqualTo(1);
    assertThat(shadow.getChallenger()).isEqualTo(2);
    assertThat(shadow.getPaired()).isTrue();
    assertThat(shadow.getChallengerOutcomes()).isEqualTo(scores.size());
    assertThat(shadow.getDifference()).isZero(); // the same trees
    assertThat(shadow.getVerdict()).isEqualTo(Verdict.VERDICT_NO_CLEAR_DIFFERENCE);

    // History: every prediction in some bucket, and a plot drawn from it.
    var history =
        MonitorServiceGrpc.newBlockingStub(monitor)
            .getHistory(
                io.canopy.proto.monitor.v1.GetHistoryRequest.newBuilder()
                    .setModel(MODEL)
                    .setVersion(1)
                    .build());
    assertThat(history.getVersions(0).getPointsCount()).isEqualTo(12);
    assertThat(history.getVersions(0).getMetric()).isEqualTo("auc");
    assertThat(
            history.getVersions(0).getPointsList().stream()
                .mapToLong(io.canopy.proto.monitor.v1.HistoryPoint::getPredictions)
                .sum())
        .isEqualTo(scores.size());
    java.nio.file.Path png = dir.resolve("churn-like.png");
    CliRun plotted =
        CliRun.canopy(
            "monitor",
            MODEL,
            "--plot",
            png.toString(),
            "--monitor",
            "127.0.0.1:" + suite.monitor().grpcPort());
    assertThat(plotted.exit()).as(plotted.err()).isZero();
    java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(1000);
    long blue = 0; // version 1's colour: its AUC point was drawn
    for (int x = 0; x < image.getWidth(); x++) {
      for (int y = 0; y < image.getHeight() / 2; y++) {
        blue += (image.getRGB(x, y) & 0xffffff) == 0x1f77b4 ? 1 : 0;
      }
    }
    assertThat(blue).isPositive();

    // The same reads over the gateway's HTTP API.
    HttpResponse<String> httpQuality = get("/v1/models/" + MODEL + "/quality?version=1&window=1h");
    assertThat(httpQuality.statusCode()).as(httpQuality.body()).isEqualTo(200);
    assertThat(httpQuality.body()).contains("\"with_outcome\": \"" + scores.size() + "\"");
    assertThat(httpQuality.body()).contains("\"auc\": " + q.getBinary().getAuc());
    assertThat(get("/v1/models/" + MODEL + "/drift").body()).contains("\"baseline\": \"live\"");
    assertThat(get("/v1/models/" + MODEL + "/compare").body())
        .contains("\"verdict\": \"VERDICT_NO_CLEAR_DIFFERENCE\"");
    HttpResponse<String> httpHistory = get("/v1/models/" + MODEL + "/history?window=1h&points=6");
    assertThat(httpHistory.statusCode()).as(httpHistory.body()).isEqualTo(200);
    assertThat(httpHistory.body()).contains("\"points\"").contains("\"with_outcome\"");
    assertThat(get("/v1/models/" + MODEL + "/history?points=1").statusCode()).isEqualTo(400);
    assertThat(get("/v1/models/nope/quality").statusCode()).isEqualTo(404);
    assertThat(get("/v1/models/" + MODEL + "/quality?version=x").statusCode()).isEqualTo(400);
    assertThat(get("/v1/models/" + MODEL + "/quality?window=2h").statusCode()).isEqualTo(400);

    CliRun cli =
        CliRun.canopy(
            "monitor", MODEL, "--compare", "--monitor", "127.0.0.1:" + suite.monitor().grpcPort());
    assertThat(cli.exit()).as(cli.err()).isZero();
    assertThat(cli.out())
        .contains(MODEL + " v1")
        .contains(MODEL + " v2")
        .contains("champion v1 vs challenger v2")
        .contains("no clear difference between v1 and v2")
        .contains("drift against the live baseline (10 rows)")
        .contains(scores.size() + " with an outcome")
        .contains(String.format(java.util.Locale.ROOT, "AUC %.3f", auc()));
  }

  @Test
  void records_holdTheRowAsTheModelSawItWithTheRequestIdAndRoute() {
    List<PredictionRecord> records = new ArrayList<>();
    List<PredictionRecord> shadows = new ArrayList<>();
    try (MonitorStore store = store()) {
      store.joined(MODEL, 1, 0, Long.MAX_VALUE, 0, Long.MAX_VALUE, j -> records.add(j.record()));
      store.joined(MODEL, 2, 0, Long.MAX_VALUE, 0, Long.MAX_VALUE, j -> shadows.add(j.record()));
    }
    assertThat(shadows).hasSize(scores.size());
    assertThat(shadows)
        .allSatisfy(
            r -> {
              assertThat(r.getShadow()).isTrue();
              assertThat(r.getRoute()).isEqualTo("shadow");
            });
    assertThat(shadows.stream().map(PredictionRecord::getRequestId))
        .containsExactlyInAnyOrderElementsOf(
            records.stream().map(PredictionRecord::getRequestId).toList());
    float[] rows = Fixtures.matrix("breast_cancer_rows.csv", FEATURES);
    assertThat(records).hasSize(scores.size());
    PredictionRecord third =
        records.stream().filter(r -> r.getRequestId().equals("q2")).findFirst().orElseThrow();
    assertThat(third.getRoute()).isEqualTo("split");
    assertThat(third.getShadow()).isFalse();
    assertThat(third.getRow()).isZero();
    assertThat(third.getVersion()).isEqualTo(1);
    assertThat(third.getObjective()).isEqualTo("binary:logistic");
    assertThat(third.getOutput()).isEqualTo("value");
    assertThat(third.getOutputs(0)).isEqualTo(scores.get(2));
    assertThat(third.getFeaturesCount()).isEqualTo(FEATURES);
    assertThat(third.getFeatures(0).getName()).isEqualTo("f0");
    assertThat(third.getFeatures(5).getValue()).isEqualTo(rows[2 * FEATURES + 5]);
    assertThat(third.getLatencyNanos()).isPositive();
  }

  @Test
  void register_withAReferenceSample_thatSampleIsTheVersionsDriftBaseline() throws Exception {
    java.nio.file.Path model = dir.resolve("model.ubj");
    java.nio.file.Files.write(model, Fixtures.bytes("breast_cancer_binary.ubj"));
    java.nio.file.Path csv = dir.resolve("reference.csv");
    java.nio.file.Files.write(csv, Fixtures.lines("breast_cancer_rows.csv", false));

    CliRun registered =
        CliRun.canopy(
            "register",
            MODEL,
            model.toString(),
            "--reference",
            csv.toString(),
            "--registry",
            "127.0.0.1:" + suite.registry().grpcPort());

    assertThat(registered.exit()).as(registered.err()).isZero();
    assertThat(registered.err()).contains("reference sample of 64 rows stored");
    long version =
        Long.parseLong(registered.out().replaceAll("(?s).* version (\\d+) READY.*", "$1"));
    var registryStub = ModelRegistryServiceGrpc.newBlockingStub(registry);
    var sample =
        registryStub
            .getVersionReference(
                io.canopy.proto.registry.v1.GetVersionReferenceRequest.newBuilder()
                    .setModel(MODEL)
                    .setVersion(version)
                    .build())
            .getSample();
    assertThat(sample.getRows()).isEqualTo(64);
    assertThat(sample.getValues(FEATURES + 5))
        .isEqualTo(Fixtures.matrix("breast_cancer_rows.csv", FEATURES)[FEATURES + 5]);
    var drift =
        MonitorServiceGrpc.newBlockingStub(monitor)
            .getDrift(
                io.canopy.proto.monitor.v1.GetDriftRequest.newBuilder()
                    .setModel(MODEL)
                    .setVersion(version)
                    .build())
            .getReports(0);
    assertThat(drift.getBaseline()).isEqualTo("reference");
    assertThat(drift.getBaselineRows()).isEqualTo(64);
    // Bad samples are refused by name; only an admin may set one (no tokens here: anyone).
    StatusRuntimeException wrongWidth =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                registryStub.setVersionReference(
                    io.canopy.proto.registry.v1.SetVersionReferenceRequest.newBuilder()
                        .setModel(MODEL)
                        .setVersion(version)
                        .setSample(
                            io.canopy.proto.registry.v1.ReferenceSample.newBuilder()
                                .addFeatureNames("f0")
                                .setRows(1)
                                .addValues(1f))
                        .build()));
    assertThat(wrongWidth.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(wrongWidth.getStatus().getDescription())
        .contains("30 features in its order: f0, f1");
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + suite.gateway().httpPort() + path))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static String metrics() {
    try {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:" + suite.monitor().adminPort() + "/observe/metrics"))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (java.io.IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  private static double auc() {
    double pairs = 0;
    double wins = 0;
    for (int i = 0; i < scores.size(); i++) {
      for (int j = 0; j < scores.size(); j++) {
        if (labels.get(i) == 1 && labels.get(j) == 0) {
          pairs++;
          wins += scores.get(i) > scores.get(j) ? 1 : scores.get(i).equals(scores.get(j)) ? 0.5 : 0;
        }
      }
    }
    return wins / pairs;
  }
}
