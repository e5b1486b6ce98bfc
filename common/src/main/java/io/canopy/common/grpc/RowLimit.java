package io.canopy.common.grpc;

import io.canopy.common.error.CanopyException;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictRequestOrBuilder;
import io.canopy.proto.kserve.v2.ModelInferRequest;
import java.util.Locale;

/**
 * A per-request row cap on a gRPC front (the gateway's, serving's); above it: RESOURCE_EXHAUSTED,
 * naming the field and the limit. Checked before any row is decoded or any entity looked up.
 */
public final class RowLimit {

  private final int maxRows;
  private final String owner;

  /**
   * @param maxRows most rows one request may carry
   * @param owner whose limit it is, as the error message names it ("the gateway's")
   */
  public RowLimit(int maxRows, String owner) {
    if (maxRows < 1) {
      throw new IllegalArgumentException("maxRows must be positive, got " + maxRows);
    }
    this.maxRows = maxRows;
    this.owner = owner;
  }

  /** Throws ResourceExhausted when the request holds more rows than allowed. */
  public void check(PredictRequest request) {
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
  public void check(ModelInferRequest request) {
    for (int i = 0; i < request.getInputsCount(); i++) {
      ModelInferRequest.InferInputTensor input = request.getInputs(i);
      if (input.getShapeCount() > 0) {
        check(input.getShape(0), "inputs[" + i + "].shape");
      }
    }
  }

  /**
   * Whole rows a Predict carries (dense values beyond the last whole row are not a row), the one
   * count the gateway's batcher and request parts and serving's part check share.
   */
  public static int rows(PredictRequestOrBuilder request) {
    return switch (request.getRowsCase()) {
      case DENSE ->
          request.getDense().getValuesCount() / Math.max(1, request.getDense().getNumFeatures());
      case NAMED -> request.getNamed().getRowsCount();
      case ENTITIES -> request.getEntities().getKeysCount();
      case ROWS_NOT_SET -> 0;
    };
  }

  private static long denseRows(PredictRequest request) {
    int columns = Math.max(1, request.getDense().getNumFeatures());
    return (request.getDense().getValuesCount() + columns - 1L) / columns;
  }

  /** Throws ResourceExhausted when {@code rows} (of {@code field}) is more than allowed. */
  public void check(long rows, String field) {
    if (rows > maxRows) {
      throw new CanopyException.ResourceExhausted(
          field + ": " + rows + " rows exceed " + owner + " limit of " + maxRows + " per request");
    }
  }
}
