package io.canopy.serving.recording;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.canopy.common.digest.Sha256;
import io.canopy.proto.features.v1.EntityFeatures;
import io.canopy.proto.features.v1.FeatureStatus;
import io.canopy.proto.features.v1.FeatureValue;
import io.canopy.proto.features.v1.GetOnlineFeaturesResponse;
import io.canopy.proto.inference.v1.RequestPart;
import io.canopy.proto.monitor.v1.PredictionRecord;
import io.canopy.proto.monitor.v1.RecordedFeature;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecordBuilderTest {

  private static final List<String> NAMES = List.of("tenure", "ssn", "calls");

  private static Capture capture(
      List<RequestPart> parts, float[] rows, GetOnlineFeaturesResponse entities, float[] out) {
    return new Capture(
        "churn",
        3,
        "abc",
        "binary:logistic",
        NAMES,
        "call-id",
        parts,
        rows,
        rows.length / NAMES.size(),
        entities,
        "value",
        out,
        1,
        1_000,
        5_000);
  }

  private static List<PredictionRecord> build(Capture c, ModelRecording settings) {
    List<PredictionRecord> out = new ArrayList<>();
    RecordBuilder.records(c, settings, id -> !id.equals("skipped"), new Utf8Cache(), out::add);
    return out;
  }

  @Test
  void records_mergedParts_eachRowUnderItsRequestWithItsRouteAndOutputs() {
    Capture c =
        capture(
            List.of(
                RequestPart.newBuilder().setRequestId("a").setRows(1).setRoute("split").build(),
                RequestPart.newBuilder()
                    .setRequestId("skipped")
                    .setRows(1)
                    .setRoute("split")
                    .build(),
                RequestPart.newBuilder()
                    .setRequestId("b")
                    .setRows(2)
                    .setRoute("shadow")
                    .setShadow(true)
                    .build()),
            new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12},
            null,
            new float[] {0.1f, 0.2f, 0.3f, 0.4f});

    List<PredictionRecord> records = build(c, new ModelRecording(1, Set.of(), Set.of(), false));

    assertThat(records)
        .extracting(
            PredictionRecord::getRequestId, PredictionRecord::getRow, PredictionRecord::getRoute)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a", 0, "split"),
            org.assertj.core.groups.Tuple.tuple("b", 0, "shadow"),
            org.assertj.core.groups.Tuple.tuple("b", 1, "shadow"));
    assertThat(records.get(1).getShadow()).isTrue();
    assertThat(records.get(1).getOutputsList()).containsExactly(0.3f);
    assertThat(records.get(2).getFeaturesList())
        .extracting(RecordedFeature::getValue)
        .containsExactly(10f, 11f, 12f);
    assertThat(records.get(0).getEntityKey()).isEmpty();
  }

  @Test
  void records_noParts_theCallsIdRoutedDirect() {
    List<PredictionRecord> records =
        build(
            capture(List.of(), new float[] {1, 2, 3}, null, new float[] {0.5f}),
            new ModelRecording(1, Set.of(), Set.of(), false));

    assertThat(records)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getRequestId()).isEqualTo("call-id");
              assertThat(r.getRoute()).isEqualTo("direct");
              assertThat(r.getLatencyNanos()).isEqualTo(5_000);
              assertThat(r.getObjective()).isEqualTo("binary:logistic");
            });
  }

  @Test
  void records_denyList_leavesTheFeatureOut_andAllowListKeepsOnlyItsOwn() {
    Capture c = capture(List.of(), new float[] {1, 2, 3}, null, new float[] {0.5f});

    List<PredictionRecord> denied = build(c, new ModelRecording(1, Set.of(), Set.of("ssn"), false));
    List<PredictionRecord> allowed =
        build(c, new ModelRecording(1, Set.of("calls", "ssn"), Set.of("ssn"), false));

    assertThat(denied.get(0).getFeaturesList())
        .extracting(RecordedFeature::getName)
        .containsExactly("tenure", "calls");
    assertThat(allowed.get(0).getFeaturesList())
        .extracting(RecordedFeature::getName)
        .containsExactly("calls");
  }

  @Test
  void records_entityRows_keyHashedWithEachFeaturesStatusAndEventTime() {
    Timestamp t = Timestamp.newBuilder().setSeconds(1_700_000_000).build();
    GetOnlineFeaturesResponse found =
        GetOnlineFeaturesResponse.newBuilder()
            .addAllFeatures(NAMES)
            .addRows(
                EntityFeatures.newBuilder()
                    .setEntityKey("c-1001")
                    .addValues(FeatureValue.newBuilder().setFloatValue(1))
                    .addValues(FeatureValue.getDefaultInstance())
                    .addValues(FeatureValue.newBuilder().setFloatValue(3))
                    .addStatuses(FeatureStatus.FEATURE_STATUS_PRESENT)
                    .addStatuses(FeatureStatus.FEATURE_STATUS_NOT_FOUND)
                    .addStatuses(FeatureStatus.FEATURE_STATUS_EXPIRED)
                    .addEventTimes(t)
                    .addEventTimes(Timestamp.getDefaultInstance())
                    .addEventTimes(t))
            .build();
    Capture c = capture(List.of(), new float[] {1, Float.NaN, 3}, found, new float[] {0.5f});

    PredictionRecord r = build(c, new ModelRecording(1, Set.of(), Set.of(), true)).get(0);

    assertThat(r.getEntityKey())
        .isEqualTo("sha256:" + Sha256.hex("c-1001".getBytes(StandardCharsets.UTF_8)))
        .doesNotContain("c-1001");
    assertThat(r.getFeaturesList())
        .extracting(RecordedFeature::getStatus)
        .containsExactly(
            FeatureStatus.FEATURE_STATUS_PRESENT,
            FeatureStatus.FEATURE_STATUS_NOT_FOUND,
            FeatureStatus.FEATURE_STATUS_EXPIRED);
    assertThat(r.getFeatures(1).getValue()).isNaN();
    assertThat(r.getFeatures(2).getEventTime()).isEqualTo(t);
    PredictionRecord clear = build(c, new ModelRecording(1, Set.of(), Set.of(), false)).get(0);
    assertThat(clear.getEntityKey()).isEqualTo("c-1001");
  }
}
