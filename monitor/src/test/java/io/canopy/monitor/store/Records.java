package io.canopy.monitor.store;

import io.canopy.proto.monitor.v1.Outcome;
import io.canopy.proto.monitor.v1.OutcomeRecord;
import io.canopy.proto.monitor.v1.PredictionRecord;
import io.canopy.proto.monitor.v1.RecordedFeature;

/** Builds records and outcomes for the monitor's tests. */
public final class Records {

  private Records() {}

  public static PredictionRecord prediction(
      String model, long version, String requestId, long millis, String objective, float... out) {
    PredictionRecord.Builder r =
        PredictionRecord.newBuilder()
            .setModel(model)
            .setVersion(version)
            .setRequestId(requestId)
            .setTime(Times.timestamp(millis))
            .setObjective(objective)
            .setRoute("direct")
            .setOutput("value");
    for (float o : out) {
      r.addOutputs(o);
    }
    return r.build();
  }

  public static PredictionRecord withFeature(PredictionRecord r, String name, float value) {
    return r.toBuilder()
        .addFeatures(RecordedFeature.newBuilder().setName(name).setValue(value))
        .build();
  }

  public static OutcomeRecord label(String model, String requestId, long label, long millis) {
    return OutcomeRecord.newBuilder()
        .setModel(model)
        .setOutcome(
            Outcome.newBuilder()
                .setRequestId(requestId)
                .setLabel(label)
                .setTime(Times.timestamp(millis)))
        .setReceivedTime(Times.timestamp(millis))
        .build();
  }

  public static OutcomeRecord value(String model, String requestId, double value, long millis) {
    return OutcomeRecord.newBuilder()
        .setModel(model)
        .setOutcome(
            Outcome.newBuilder()
                .setRequestId(requestId)
                .setValue(value)
                .setTime(Times.timestamp(millis)))
        .setReceivedTime(Times.timestamp(millis))
        .build();
  }
}
