package io.canopy.gateway.batching;

import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.EntityRows;
import io.canopy.proto.inference.v1.MissingFeatures;
import io.canopy.proto.inference.v1.NamedRows;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import java.util.List;

/** Merges the rows of several requests into one and splits the response back, in order. */
final class BatchCodec {

  private BatchCodec() {}

  /** Rows a request carries. */
  static int rows(PredictRequest request) {
    return io.canopy.common.grpc.RowLimit.rows(request);
  }

  static PredictRequest merge(List<Pending> batch) {
    PredictRequest first = batch.get(0).request();
    if (batch.size() == 1) {
      return first;
    }
    PredictRequest.Builder merged =
        PredictRequest.newBuilder()
            .setModel(first.getModel())
            .setVersion(first.getVersion())
            .setOutput(first.getOutput());
    for (Pending p : batch) {
      merged.addAllParts(p.request().getPartsList());
    }
    switch (first.getRowsCase()) {
      case DENSE -> {
        DenseRows.Builder dense =
            DenseRows.newBuilder().setNumFeatures(first.getDense().getNumFeatures());
        for (Pending p : batch) {
          dense.addAllValues(p.request().getDense().getValuesList());
        }
        merged.setDense(dense);
      }
      case NAMED -> {
        NamedRows.Builder named = NamedRows.newBuilder();
        for (Pending p : batch) {
          named.addAllRows(p.request().getNamed().getRowsList());
        }
        merged.setNamed(named);
      }
      case ENTITIES -> {
        EntityRows.Builder keys = EntityRows.newBuilder();
        for (Pending p : batch) {
          keys.addAllKeys(p.request().getEntities().getKeysList());
        }
        merged.setEntities(keys);
      }
      case ROWS_NOT_SET -> {}
    }
    return merged.build();
  }

  /** The part of {@code response} that belongs to rows [offset, offset + rows) of the batch. */
  static PredictResponse slice(
      PredictResponse response, Pending caller, int offset, int totalRows) {
    if (response.getShapeCount() == 0 || response.getShape(0) != totalRows) {
      throw new IllegalStateException(
          "upstream returned shape " + response.getShapeList() + " for " + totalRows + " rows");
    }
    int width = totalRows == 0 ? 0 : response.getValuesCount() / totalRows;
    int rows = caller.rows();
    PredictResponse.Builder part =
        PredictResponse.newBuilder()
            .setModel(response.getModel())
            .setVersion(response.getVersion())
            .setSha256(response.getSha256())
            .setOutput(response.getOutput())
            .setRequestId(caller.request().getRequestId())
            .addShape(rows);
    for (int d = 1; d < response.getShapeCount(); d++) {
      part.addShape(response.getShape(d));
    }
    part.addAllValues(response.getValuesList().subList(offset * width, (offset + rows) * width));
    for (MissingFeatures m : response.getMissingFeaturesList()) {
      if (m.getRow() >= offset && m.getRow() < offset + rows) {
        part.addMissingFeatures(m.toBuilder().setRow(m.getRow() - offset));
      }
    }
    return part.build();
  }
}
