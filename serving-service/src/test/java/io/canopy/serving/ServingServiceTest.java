package io.canopy.serving;

import static io.canopy.serving.Fixtures.BREAST_CANCER_JSON;
import static io.canopy.serving.Fixtures.BREAST_CANCER_UBJ;
import static io.canopy.serving.GrpcAssertions.assertCode;
import static io.canopy.serving.GrpcAssertions.assertInvalidField;
import static io.canopy.serving.ServingHarness.breastCancerRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.canopy.common.testing.Await;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.common.testing.ProcessSuite;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.EntityRows;
import io.canopy.proto.inference.v1.GetModelStatusRequest;
import io.canopy.proto.inference.v1.LoadState;
import io.canopy.proto.inference.v1.ModelVersionStatus;
import io.canopy.proto.inference.v1.NamedRow;
import io.canopy.proto.inference.v1.NamedRows;
import io.canopy.proto.inference.v1.OutputKind;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.canopy.proto.inference.v1.PredictionEngine;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.serving.ServingHarness.Serving;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** serving-service through a real gRPC channel, following an in-process fake registry. */
@ProcessSuite
class ServingServiceTest {

  private static final String MODEL = "breast-cancer";

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();
  @TempDir Path cacheDir;
  private ServingHarness harness;

  @BeforeEach
  void startRegistry() {
    harness = new ServingHarness(cleanup, cacheDir).startRegistry();
  }

  @Test
  void predict_denseRows_returnsFixtureProbabilities() {
    ModelVersion v1 = harness.registry.addBreastCancer(MODEL, 1, BREAST_CANCER_UBJ);
    Serving serving = harness.startServing().awaitReady();

    PredictResponse response =
        serving.inference().predict(breastCancerRequest(MODEL).setRequestId("req-1").build());

    assertThat(response.getModel()).isEqualTo(MODEL);
    assertThat(response.getVersion()).isEqualTo(1);
    assertThat(response.getSha256()).isEqualTo(v1.getSha256());
    assertThat(response.getRequestId()).isEqualTo("req-1");
    assertThat(response.getOutput()).isEqualTo(OutputKind.OUTPUT_KIND_VALUE);
    assertThat(response.getShapeList()).containsExactly(64);
    assertMatchesFixture(response.getValuesList());
  }

  @Test
  void predict_classOutputOfARegressionModel_isRefusedNamingOutput() {
    harness.registry.addDiabetes("diabetes", 1);
    Serving serving = harness.startServing().awaitReady();
    DenseRows.Builder rows = DenseRows.newBuilder().setNumFeatures(10);
    for (int i = 0; i < 10; i++) {
      rows.addValues(0.01f * i);
    }
    PredictRequest.Builder request =
        PredictRequest.newBuilder().setModel("diabetes").setDense(rows);

    assertInvalidField(
        () -> serving.inference().predict(request.setOutput(OutputKind.OUTPUT_KIND_CLASS).build()),
        "output");
    assertThat(
            serving
                .inference()
                .predict(request.setOutput(OutputKind.OUTPUT_KIND_VALUE).build())
                .getValuesCount())
        .isEqualTo(1);
  }

  @Test
  void predict_marginAndClassOutputs_areReturned() {
    harness.registry.addBreastCancer(MODEL, 1, BREAST_CANCER_UBJ);
    Serving serving = harness.startServing().awaitReady();

    PredictResponse margin =
        serving
            .inference()
            .predict(breastCancerRequest(MODEL).setOutput(OutputKind.OUTPUT_KIND_MARGIN).build());
    PredictResponse classes =
        serving
            .inference()
            .predict(breastCancerRequest(MODEL).setOutput(OutputKind.OUTPUT_KIND_CLASS).build());
    PredictResponse contributions =
        serving
            .inference()
            .predict(
                breastCancerRequest(MODEL).setOutput(OutputKind.OUTPUT_KIND_CONTRIBUTIONS).build());

    float[] expectedMargin = Fixtures.column("breast_cancer_expected_margin.csv");
    assertThat(margin.getValues(0))
        .isCloseTo(expectedMargin[0], org.assertj.core.data.Offset.offset(1e-5f));
    float[] probabilities = Fixtures.breastCancerProbabilities();
    for (int i = 0; i < 64; i++) {
      assertThat(classes.getValues(i)).isEqualTo(probabilities[i] > 0.5f ? 1f : 0f);
    }
    assertThat(contributions.getShapeList()).containsExactly(64, 31);
  }

  @Test
  void predict_namedRows_mapFeaturesByNameAndTreatAbsentAsMissing() {
    harness.registry.addBreastCancer(MODEL, 1, BREAST_CANCER_UBJ);
    Serving serving = harness.startServing().awaitReady();
    float[][] rows = Fixtures.csv("breast_cancer_rows.csv", true);
    NamedRows.Builder named = NamedRows.newBuilder();
    for (int r : new int[] {0, 3}) {
      NamedRow.Builder row = NamedRow.newBuilder();
      // Fed in reverse order: the server maps by name, not position. Row 3's NaN f5 is left out.
      for (int c = 29; c >= 0; c--) {
        if (!Float.isNaN(rows[r][c])) {
          row.putFeatures("f" + c, rows[r][c]);
        }
      }
      named.addRows(row);
    }

    PredictResponse response =
        serving
            .inference()
            .predict(PredictRequest.newBuilder().setModel(MODEL).setNamed(named).build());

    float[] expected = Fixtures.breastCancerProbabilities();
    assertThat(response.getShapeList()).containsExactly(2);
    assertThat(response.getValues(0))
        .isCloseTo(expected[0], org.assertj.core.data.Offset.offset(1e-6f));
    assertThat(response.getValues(1))
        .isCloseTo(expected[3], org.assertj.core.data.Offset.offset(1e-6f));
  }

  @Test
  void predict_selectors_resolveAliasesLatestAndExplicitVersions() {
    harness.registry.addBreastCancer(MODEL, 1, BREAST_CANCER_UBJ);
    harness.registry.addBreastCancer(MODEL, 2, BREAST_CANCER_JSON);
    harness.registry.setAlias(MODEL, "production", 1);
    harness.registry.setAlias(MODEL, "canary", 2);
    Serving serving = harness.startServing().awaitReady();

    assertThat(predictVersion(serving, breastCancerRequest(MODEL))).isEqualTo(1);
    assertThat(predictVersion(serving, breastCancerRequest(MODEL).setAlias("production")))
        .isEqualTo(1);
    assertThat(predictVersion(serving, breastCancerRequest(MODEL).setAlias("canary"))).isEqualTo(2);
    assertThat(predictVersion(serving, breastCancerRequest(MODEL).setAlias("latest"))).isEqualTo(2);
    assertThat(predictVersion(serving, breastCancerRequest(MODEL).setVersion(2))).isEqualTo(2);
  }

  @Test
  void predict_withoutProductionAlias_servesLatest() {
    harness.registry.addBreastCancer(MODEL, 1, BREAST_CANCER_UBJ);
    harness.registry.addBreastCancer(MODEL, 2, BREAST_CANCER_JSON);
    Serving serving = harness.startServing().awaitReady();

    assertThat(predictVersion(serving, breastCancerRequest(MODEL))).isEqualTo(2);
  }

  @Test
  void predict_unknownModelVersionOrAlias_isNotFound() {
    harness.registry.addBreastCancer(MODEL, 1, BREAST_CANCER_UBJ);
    Serving serving = harness.startServing().awaitReady();

    assertCode(
        () -> serving.inference().predict(breastCancerRequest("nope").build()),
        Status.Code.NOT_FOUND);
    assertCode(
        () -> serving.inference().predict(breastCancerRequest(MODEL).setVersion(7).build()),
        Status.Code.NOT_FOUND);
    assertCode(
        () -> serving.inference().predict(breastCancerRequest(MODEL).setAlias("nope").build()),
        Status.Code.NOT_FOUND);
    // The gateway's wording, word for word (common/names/Missing).
    assertThatThrownBy(
            () -> serving.inference().predict(breastCancerRequest(MODEL).setAlias("nope").build()))
        .hasMessageContaining("model '" + MODEL + "' has no alias 'nope'");
  }

  @Test
  void predict_badRows_areInvalidArgumentNamingTheField() {
    harness.registry.addBreastCancer(MODEL, 1, BREAST_CANCER_UBJ);
    Serving serving = harness.startServing().awaitReady();
    PredictRequest.Builder wrongCount =
        PredictRequest.newBuilder()
            .setModel(MODEL)
            .setDense(
                DenseRows.newBuilder()
                    .setNumFeatures(29)
                    .addAllValues(Collections.nCopies(29, 1f)));
    PredictRequest.Builder ragged =
        PredictRequest.newBuilder()
            .setModel(MODEL)
            .setDense(DenseRows.newBuilder().setNumFeatures(30).addAllValues(List.of(1f, 2f, 3f)));
    PredictRequest.Builder unknownName =
        PredictRequest.newBuilder()
            .setModel(MODEL)
            .setNamed(
                NamedRows.newBuilder()
                    .addRows(NamedRow.newBuilder().putFeatures("f0", 1f))
                    .addRows(NamedRow.newBuilder().putFeatures("height", 1f)));

    assertInvalidField(() -> serving.inference().predict(wrongCount.build()), "dense.num_features");
    assertInvalidField(() -> serving.inference().predict(ragged.build()), "dense.values");
    assertInvalidField(
        () -> serving.inference().predict(unknownName.build()), "named.rows[1].features");
    assertInvalidField(
        () -> serving.inference().predict(PredictRequest.newBuilder().setModel(MODEL).build()),
        "rows");
  }

  @Test
  void predict_byEntity_isFailedPreconditionUntilTheFeatureStoreExists() {
    harness.registry.addBreastCancer(MODEL, 1, BREAST_CANCER_UBJ);
    Serving serving = harness.startServing().awaitReady();

    assertCode(
        () ->
            serving
                .inference()
                .predict(
                    PredictRequest.newBuilder()
                        .setModel(MODEL)
                        .setEntities(EntityRows.newBuilder().addKeys("k"))
                        .build()),
        Status.Code.FAILED_PRECONDITION);
  }

  @Test
  void modelStatus_namesTheEngineAndWhy() {
    harness.registry.addBreastCancer(MODEL, 1, BREAST_CANCER_UBJ);
    Serving serving = harness.startServing().awaitReady();

    ModelVersionStatus status = statusOf(serving, 1);

    assertThat(status.getState()).isEqualTo(LoadState.LOAD_STATE_AVAILABLE);
    assertThat(status.getEngine()).isEqualTo(PredictionEngine.PREDICTION_ENGINE_FLAT);
    assertThat(status.getEngineReason()).startsWith("verified");
  }

  @Test
  void versionWithMismatchedSha256_isNeverLoaded() {
    harness.registry.addBreastCancer(MODEL, 1, BREAST_CANCER_UBJ);
    byte[] flipped = Fixtures.bytes(BREAST_CANCER_UBJ);
    flipped[flipped.length - 1] ^= 0x01;
    harness.registry.serveBytes(MODEL, 1, flipped);
    Serving serving = harness.startServing().awaitReady();

    ModelVersionStatus status = statusOf(serving, 1);

    assertThat(status.getState()).isEqualTo(LoadState.LOAD_STATE_FAILED);
    assertThat(status.getReason()).contains("sha256 mismatch");
    assertThat(harness.registry.downloads()).isEqualTo(1);
    assertCode(
        () -> serving.inference().predict(breastCancerRequest(MODEL).build()),
        Status.Code.FAILED_PRECONDITION);
    assertThat(cacheDir.resolve("sha256")).doesNotExist();
  }

  @Test
  void grpcHealth_followsReadiness() {
    harness.registry.addBreastCancer(MODEL, 1, BREAST_CANCER_UBJ);
    var gate = harness.registry.holdDownloads(MODEL, 1);
    Serving serving = harness.startServing();
    var health = HealthGrpc.newBlockingStub(serving.channel());
    Await.until("v1 is downloading", () -> harness.registry.downloads() == 1);

    assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus())
        .isEqualTo(ServingStatus.NOT_SERVING);
    // A request for a version still loading waits for it, within its deadline.
    assertCode(
        () ->
            serving
                .inference()
                .withDeadlineAfter(300, java.util.concurrent.TimeUnit.MILLISECONDS)
                .predict(breastCancerRequest(MODEL).build()),
        Status.Code.DEADLINE_EXCEEDED);

    gate.countDown();
    Await.until(
        "health is SERVING",
        () ->
            health.check(HealthCheckRequest.getDefaultInstance()).getStatus()
                == ServingStatus.SERVING);
    assertThat(predictVersion(serving, breastCancerRequest(MODEL))).isEqualTo(1);
  }

  @Test
  void restart_withRegistryDown_servesFromTheLocalCache() {
    harness.registry.addBreastCancer(MODEL, 1, BREAST_CANCER_UBJ);
    harness.registry.setAlias(MODEL, "production", 1);
    Serving first = harness.startServing().awaitReady();
    first.server().close();

    ServingHarness down = new ServingHarness(cleanup, cacheDir); // its registry never starts
    Serving second = down.startServing().awaitReady();

    PredictResponse response = second.inference().predict(breastCancerRequest(MODEL).build());
    assertThat(response.getVersion()).isEqualTo(1);
    assertMatchesFixture(response.getValuesList());
  }

  @Test
  void registryWatch_breaks_reconnectsFromTheLastRevisionAndAppliesMissedChanges() {
    harness.registry.addBreastCancer(MODEL, 1, BREAST_CANCER_UBJ);
    harness.registry.addBreastCancer(MODEL, 2, BREAST_CANCER_JSON);
    harness.registry.setAlias(MODEL, "production", 1);
    Serving serving = harness.startServing().awaitReady();
    long seen = harness.registry.revision();

    harness.registry.setAliasSilently(MODEL, "production", 2);
    harness.registry.breakWatches();

    Await.until(
        "production serves v2", () -> predictVersion(serving, breastCancerRequest(MODEL)) == 2);
    assertThat(harness.registry.watchRequests()).containsExactly(0L, seen);
  }

  @Test
  void aliasSwaps_whileRequestsRun_loseNoRequest() throws Exception {
    harness.registry.addBreastCancer(MODEL, 1, BREAST_CANCER_UBJ);
    harness.registry.addBreastCancer(MODEL, 2, BREAST_CANCER_JSON);
    harness.registry.setAlias(MODEL, "production", 2);
    Serving serving = harness.startServing().awaitReady();
    PredictRequest request = breastCancerRequest(MODEL).build();
    AtomicBoolean stop = new AtomicBoolean();
    Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    Set<Long> served = ConcurrentHashMap.newKeySet();
    AtomicInteger completed = new AtomicInteger();
    ExecutorService clients = Executors.newFixedThreadPool(4);
    try {
      for (int i = 0; i < 4; i++) {
        clients.execute(
            () -> {
              while (!stop.get()) {
                try {
                  PredictResponse response = serving.inference().predict(request);
                  assertMatchesFixture(response.getValuesList());
                  served.add(response.getVersion());
                  completed.incrementAndGet();
                } catch (Throwable t) {
                  failures.add(t);
                }
              }
            });
      }
      // v1 is referenced by nothing at first: each move to it loads it while v2 keeps serving,
      // each move back retires it while requests may still be running on it.
      for (long target : new long[] {1, 2, 1, 2}) {
        int before = completed.get();
        harness.registry.setAlias(MODEL, "production", target);
        Await.until(
            "production serves v" + target,
            () -> predictVersion(serving, breastCancerRequest(MODEL)) == target);
        Await.until("requests keep flowing", () -> completed.get() > before + 20);
      }
    } finally {
      stop.set(true);
      clients.shutdown();
      assertThat(clients.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
    }

    assertThat(failures).isEmpty();
    assertThat(served).containsExactlyInAnyOrder(1L, 2L);
    Await.until(
        "v1 is freed",
        () ->
            serving
                .inference()
                .getModelStatus(GetModelStatusRequest.newBuilder().setModel(MODEL).build())
                .getVersionsList()
                .stream()
                .noneMatch(s -> s.getVersion() == 1));
  }

  private static long predictVersion(Serving serving, PredictRequest.Builder request) {
    return serving.inference().predict(request.build()).getVersion();
  }

  private static ModelVersionStatus statusOf(Serving serving, long version) {
    return serving
        .inference()
        .getModelStatus(GetModelStatusRequest.newBuilder().setModel(MODEL).build())
        .getVersionsList()
        .stream()
        .filter(s -> s.getVersion() == version)
        .findFirst()
        .orElseThrow();
  }

  static void assertMatchesFixture(List<Float> values) {
    float[] expected = Fixtures.breastCancerProbabilities();
    assertThat(values).hasSize(expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertThat(values.get(i))
          .as("row %d", i)
          .isCloseTo(
              expected[i],
              org.assertj.core.data.Offset.offset(Math.max(expected[i] * 1e-6f, 1e-7f)));
    }
  }
}
