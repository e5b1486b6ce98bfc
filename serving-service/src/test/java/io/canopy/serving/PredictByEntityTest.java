package io.canopy.serving;

import static io.canopy.serving.GrpcAssertions.assertCode;
import static io.canopy.serving.GrpcAssertions.assertInvalidField;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.common.testing.Observers;
import io.canopy.proto.features.v1.CreateFeatureViewRequest;
import io.canopy.proto.features.v1.Feature;
import io.canopy.proto.features.v1.FeatureRow;
import io.canopy.proto.features.v1.FeatureStoreServiceGrpc;
import io.canopy.proto.features.v1.FeatureValue;
import io.canopy.proto.features.v1.FeatureView;
import io.canopy.proto.features.v1.ValueType;
import io.canopy.proto.features.v1.WriteFeaturesRequest;
import io.canopy.proto.features.v1.WriteFeaturesResponse;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.EntityRows;
import io.canopy.proto.inference.v1.MissingFeatures;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.canopy.proto.registry.v1.InputBinding;
import io.canopy.serving.ServingHarness.Serving;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Predict by entity key, end to end: the fake registry gives the version an input binding, features
 * are written through FeatureStoreService, and Predict looks them up on the same server.
 */
class PredictByEntityTest {

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();
  @TempDir Path cacheDir;
  private ServingHarness harness;
  private final float[][] rows = Fixtures.csv("breast_cancer_rows.csv", true);

  /** The model's 30 features, in model column order. */
  private static final InputBinding BINDING =
      InputBinding.newBuilder()
          .setFeatureView("patients")
          .addAllFeatures(FakeRegistry.BREAST_CANCER_FEATURES)
          .build();

  @BeforeEach
  void startRegistry() {
    harness = new ServingHarness(cleanup, cacheDir).startRegistry();
  }

  private void addBound(String model) {
    harness.registry.addVersion(
        model,
        1,
        Fixtures.bytes(Fixtures.BREAST_CANCER_UBJ),
        30,
        FakeRegistry.BREAST_CANCER_FEATURES,
        BINDING);
  }

  /**
   * The view holds the features in reverse order (the binding, not the view, orders the columns);
   * f0 is a DOUBLE and f1 an INT64 feature, to exercise the numeric conversions.
   */
  private static FeatureView patients() {
    FeatureView.Builder view = FeatureView.newBuilder().setName("patients").setEntity("patient_id");
    List<String> names = new ArrayList<>(FakeRegistry.BREAST_CANCER_FEATURES);
    java.util.Collections.reverse(names);
    for (String name : names) {
      ValueType type =
          switch (name) {
            case "f0" -> ValueType.VALUE_TYPE_DOUBLE;
            case "f1" -> ValueType.VALUE_TYPE_INT64;
            default -> ValueType.VALUE_TYPE_FLOAT;
          };
      view.addFeatures(Feature.newBuilder().setName(name).setType(type));
    }
    return view.build();
  }

  /** Row r of the fixture as a feature row, leaving out the features named in {@code skip}. */
  private FeatureRow featureRow(String key, int r, List<String> skip) {
    FeatureRow.Builder row =
        FeatureRow.newBuilder()
            .setEntityKey(key)
            .setEventTime(Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond()));
    for (int f = 0; f < 30; f++) {
      String name = "f" + f;
      if (skip.contains(name) || Float.isNaN(rows[r][f])) {
        continue;
      }
      FeatureValue.Builder value = FeatureValue.newBuilder();
      switch (f) {
        case 0 -> value.setDoubleValue(rows[r][f]);
        case 1 -> value.setInt64Value(Math.round(rows[r][f]));
        default -> value.setFloatValue(rows[r][f]);
      }
      row.putValues(name, value.build());
    }
    return row.build();
  }

  private static WriteFeaturesResponse write(Serving serving, List<FeatureRow> rows)
      throws Exception {
    CompletableFuture<WriteFeaturesResponse> done = new CompletableFuture<>();
    StreamObserver<WriteFeaturesRequest> requests =
        FeatureStoreServiceGrpc.newStub(serving.channel())
            .writeFeatures(Observers.completing(done));
    requests.onNext(
        WriteFeaturesRequest.newBuilder().setFeatureView("patients").addAllRows(rows).build());
    requests.onCompleted();
    return done.get(20, TimeUnit.SECONDS);
  }

  private static PredictRequest byEntity(String model, String... keys) {
    return PredictRequest.newBuilder()
        .setModel(model)
        .setEntities(EntityRows.newBuilder().addAllKeys(List.of(keys)))
        .build();
  }

  private static PredictResponse dense(Serving serving, String model, float[]... matrix) {
    DenseRows.Builder dense = DenseRows.newBuilder().setNumFeatures(30);
    for (float[] row : matrix) {
      for (float v : row) {
        dense.addValues(v);
      }
    }
    return serving
        .inference()
        .predict(PredictRequest.newBuilder().setModel(model).setDense(dense).build());
  }

  @Test
  void predict_byEntity_matchesDensePredictionsAndReportsMissingFeatures() throws Exception {
    addBound("bc");
    Serving serving = harness.startServing().awaitReady();
    serving
        .features()
        .createFeatureView(
            CreateFeatureViewRequest.newBuilder().setFeatureView(patients()).build());
    write(
        serving,
        List.of(
            featureRow("p0", 0, List.of()),
            featureRow("p1", 1, List.of()),
            featureRow("p2", 2, List.of("f5", "f7"))));

    PredictResponse byEntity =
        serving.inference().predict(byEntity("bc", "p0", "p1", "p2", "ghost"));

    // What the store holds, as floats: f1 went through int64, f5 and f7 of p2 are missing.
    float[][] expected = new float[4][];
    for (int r = 0; r < 3; r++) {
      expected[r] = rows[r].clone();
      expected[r][1] = Math.round(rows[r][1]);
    }
    expected[2][5] = Float.NaN;
    expected[2][7] = Float.NaN;
    expected[3] = new float[30];
    java.util.Arrays.fill(expected[3], Float.NaN);
    PredictResponse reference = dense(serving, "bc", expected);
    assertThat(byEntity.getVersion()).isEqualTo(1);
    assertThat(byEntity.getShapeList()).containsExactly(4);
    for (int r = 0; r < 4; r++) {
      assertThat(byEntity.getValues(r)).isCloseTo(reference.getValues(r), within(1e-6f));
    }
    assertThat(byEntity.getMissingFeaturesList())
        .containsExactly(
            MissingFeatures.newBuilder().setRow(2).addFeatures("f5").addFeatures("f7").build(),
            MissingFeatures.newBuilder()
                .setRow(3)
                .addAllFeatures(FakeRegistry.BREAST_CANCER_FEATURES)
                .build());
  }

  @Test
  void predict_byEntity_expiredValues_areMissing() throws Exception {
    addBound("bc");
    Serving serving = harness.startServing().awaitReady();
    // A TTL of one nanosecond: every value written in the past has expired by the time it is read.
    FeatureView view = patients().toBuilder().setTtl(Duration.newBuilder().setNanos(1)).build();
    serving
        .features()
        .createFeatureView(CreateFeatureViewRequest.newBuilder().setFeatureView(view).build());
    write(serving, List.of(featureRow("p0", 0, List.of())));

    PredictResponse response = serving.inference().predict(byEntity("bc", "p0"));

    float[] allMissing = new float[30];
    java.util.Arrays.fill(allMissing, Float.NaN);
    assertThat(response.getValues(0))
        .isCloseTo(dense(serving, "bc", allMissing).getValues(0), within(1e-6f));
    assertThat(response.getMissingFeaturesList())
        .containsExactly(
            MissingFeatures.newBuilder()
                .setRow(0)
                .addAllFeatures(FakeRegistry.BREAST_CANCER_FEATURES)
                .build());
  }

  @Test
  void predict_byEntity_versionWithoutBinding_isFailedPrecondition() {
    harness.registry.addBreastCancer("bc", 1, Fixtures.BREAST_CANCER_UBJ);
    Serving serving = harness.startServing().awaitReady();

    assertCode(
        () -> serving.inference().predict(byEntity("bc", "p0")), Status.Code.FAILED_PRECONDITION);
  }

  @Test
  void predict_byEntity_bindingToAMissingView_isFailedPrecondition() {
    addBound("bc");
    Serving serving = harness.startServing().awaitReady();

    assertCode(
        () -> serving.inference().predict(byEntity("bc", "p0")), Status.Code.FAILED_PRECONDITION);
  }

  @Test
  void predict_byEntity_stringFeature_isInvalidArgument() {
    addBound("bc");
    Serving serving = harness.startServing().awaitReady();
    FeatureView view = patients();
    view =
        view.toBuilder()
            .setFeatures(0, view.getFeatures(0).toBuilder().setType(ValueType.VALUE_TYPE_STRING))
            .build();
    serving
        .features()
        .createFeatureView(CreateFeatureViewRequest.newBuilder().setFeatureView(view).build());

    assertInvalidField(() -> serving.inference().predict(byEntity("bc", "p0")), "entities");
  }

  @Test
  void predict_byEntity_redisDown_isUnavailableWhileDenseRowsStillServe() {
    addBound("bc");
    Serving serving =
        harness
            .startServing(
                Map.of(
                    "serving.features.backend", "redis",
                    // Nothing listens on port 1: connecting is refused at once.
                    "serving.features.redis.uri", "redis://127.0.0.1:1"))
            .awaitReady();

    assertCode(() -> serving.inference().predict(byEntity("bc", "p0")), Status.Code.UNAVAILABLE);
    assertThat(dense(serving, "bc", rows[0]).getValuesCount()).isEqualTo(1);
  }
}
