package io.canopy.gateway.grpc;

import io.canopy.common.error.CanopyException;
import io.canopy.gateway.outcomes.OutcomeIntake;
import io.canopy.proto.monitor.v1.OutcomeServiceGrpc;
import io.canopy.proto.monitor.v1.RecordOutcomesRequest;
import io.canopy.proto.monitor.v1.RecordOutcomesResponse;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Executor;

/**
 * {@code canopy.monitor.v1.OutcomeService} on the gateway. Writing outcomes waits for the record
 * store, so each call moves off the event loop to {@code blocking} (virtual threads).
 */
public final class OutcomeFront extends OutcomeServiceGrpc.OutcomeServiceImplBase {

  private final OutcomeIntake intake;
  private final Executor blocking;

  /**
   * @param intake null when outcomes are off (gateway.outcomes.enabled: false)
   */
  public OutcomeFront(OutcomeIntake intake, Executor blocking) {
    this.intake = intake;
    this.blocking = blocking;
  }

  @Override
  public void recordOutcomes(
      RecordOutcomesRequest request, StreamObserver<RecordOutcomesResponse> responses) {
    if (intake == null) {
      throw new CanopyException.FailedPrecondition(
          "outcomes are off on this gateway (gateway.outcomes.enabled)");
    }
    blocking.execute(
        Context.current()
            .wrap(
                () -> {
                  RecordOutcomesResponse response;
                  try {
                    response =
                        RecordOutcomesResponse.newBuilder()
                            .setAccepted(intake.record(request))
                            .build();
                  } catch (RuntimeException e) {
                    responses.onError(e);
                    return;
                  }
                  responses.onNext(response);
                  responses.onCompleted();
                }));
  }
}
