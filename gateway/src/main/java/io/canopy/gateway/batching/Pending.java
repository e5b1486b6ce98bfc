package io.canopy.gateway.batching;

import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.grpc.Deadline;
import java.util.concurrent.CompletableFuture;

/** One caller's request waiting in a batch queue, and the future its response completes. */
record Pending(
    PredictRequest request,
    int rows,
    Deadline deadline,
    long enqueuedNanos,
    CompletableFuture<PredictResponse> result) {}
