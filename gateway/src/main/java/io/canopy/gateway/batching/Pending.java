package io.canopy.gateway.batching;

import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.grpc.Deadline;
import io.opentelemetry.context.Context;
import java.util.concurrent.CompletableFuture;

/**
 * One caller's request waiting in a batch queue, the future its response completes, and the trace
 * context it arrived in (the root context when it is not traced), which the batch's span links to.
 */
record Pending(
    PredictRequest request,
    int rows,
    Deadline deadline,
    long enqueuedNanos,
    CompletableFuture<PredictResponse> result,
    Context trace) {}
