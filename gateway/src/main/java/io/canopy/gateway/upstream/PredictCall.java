package io.canopy.gateway.upstream;

import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.grpc.Deadline;
import java.util.concurrent.CompletableFuture;

/** One upstream Predict that must finish by {@code deadline}. */
@FunctionalInterface
public interface PredictCall {
  CompletableFuture<PredictResponse> predict(PredictRequest request, Deadline deadline);
}
