package io.canopy.cli.up;

import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.monitor.v1.Outcome;
import io.canopy.proto.monitor.v1.OutcomeServiceGrpc;
import io.canopy.proto.monitor.v1.RecordOutcomesRequest;
import io.grpc.Channel;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The demo's traffic, so that {@code canopy monitor churn} has something to show a minute after
 * start: customers like the training data (they become the version's drift baseline), then
 * customers whose {@code age} has drifted upward, each predicted through the gateway with its own
 * request id, and then every customer's outcome, drawn from the generator's true churn rate.
 */
final class DemoTraffic {

  /** Predictions like the training data: the monitor's default drift baseline size. */
  static final int BASELINE = 1000;

  /** Predictions after the baseline, with older customers. */
  static final int DRIFTED = 500;

  /** Years added to the drifted customers' age. */
  private static final float AGE_SHIFT = 25f;

  private static final int OUTCOME_BATCH = 500;

  private DemoTraffic() {}

  /** Sends the predictions, then the outcomes; returns how many predictions were sent. */
  static int send(Channel gateway) {
    var predict = InferenceServiceGrpc.newBlockingStub(gateway);
    SplittableRandom random = new SplittableRandom(7);
    RecordOutcomesRequest.Builder outcomes =
        RecordOutcomesRequest.newBuilder().setModel(Demo.MODEL);
    int sent = 0;
    // Ids of this run only: a second demo on the same .canopy/ must not pair with the first's.
    String run = Long.toString(System.currentTimeMillis(), 36);
    for (int i = 0; i < BASELINE + DRIFTED; i++) {
      float[] customer = DemoModel.customer(random);
      if (i >= BASELINE) {
        customer[3] += AGE_SHIFT;
      }
      String id = "demo-" + run + "-" + i;
      DenseRows.Builder row = DenseRows.newBuilder().setNumFeatures(customer.length);
      for (float v : customer) {
        row.addValues(v);
      }
      predict
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .predict(
              PredictRequest.newBuilder()
                  .setModel(Demo.MODEL)
                  .setRequestId(id)
                  .setDense(row)
                  .build());
      sent++;
      outcomes.addOutcomes(
          Outcome.newBuilder()
              .setRequestId(id)
              .setLabel(DemoModel.churns(customer, random) ? 1 : 0));
      if (outcomes.getOutcomesCount() == OUTCOME_BATCH) {
        record(gateway, outcomes);
      }
    }
    if (outcomes.getOutcomesCount() > 0) {
      record(gateway, outcomes);
    }
    return sent;
  }

  private static void record(Channel gateway, RecordOutcomesRequest.Builder outcomes) {
    OutcomeServiceGrpc.newBlockingStub(gateway)
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .recordOutcomes(outcomes.build());
    outcomes.clearOutcomes();
  }
}
