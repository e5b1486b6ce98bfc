package io.canopy.gateway.grpc;

import io.canopy.common.error.CanopyException;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.kserve.v2.ModelInferRequest;
import java.util.Locale;

/** The gateway's per-request row cap on the gRPC front; above it: RESOURCE_EXHAUSTED. */
final class RowLimit {

  private final int maxRows;

  RowLimit(int maxRows) {
    this.maxRows = maxRows;
  }

  /** Throws ResourceExhausted when the request holds more rows than allowed. */
  void check(PredictRequest request) {
    long rows =
        switch (request.getRowsCase()) {
          case DENSE -> denseRows(request);
          case NAMED -> request.getNamed().getRowsCount();
          case ENTITIES -> request.getEntities().getKeysCount();
          case ROWS_NOT_SET -> 0;
        };
    check(rows, request.getRowsCase().name().toLowerCase(Locale.ROOT));
  }

  /** Rows of a KServe request: the first dimension of each input tensor. */
  void check(ModelInferRequest request) {
    for (int i = 0; i < request.getInputsCount(); i++) {
      ModelInferRequest.InferInputTensor input = request.getInputs(i);
      if (input.getShapeCount() > 0) {
        check(input.getShape(0), "inputs[" + i + "].shape");
      }
    }
  }

  private static long denseRows(PredictRequest request) {
    int columns = Math.max(1, request.getDense().getNumFeatures());
    return (request.getDense().getValuesCount() + columns - 1L) / columns;
  }

  private void check(long rows, String field) {
    if (rows > maxRows) {
      throw new CanopyException.ResourceExhausted(
          field + ": " + rows + " rows exceed the gateway's limit of " + maxRows + " per request");
    }
  }
}
