package io.canopy.bench;

/**
 * Upstream batches a candidate gateway sent during one step, from the difference of its {@code
 * canopy_gateway_batch_rows} histogram before and after.
 *
 * @param batches upstream Predict calls
 * @param rows rows they carried
 * @param maxRowsBound the smallest histogram bucket bound holding every batch: the largest batch
 *     carried at most this many rows (exact for small batches, whose buckets are one row wide)
 */
record BatchStats(long batches, double rows, double maxRowsBound) {

  /** No batches seen (or no metrics read). */
  static final BatchStats NONE = new BatchStats(0, 0, Double.NaN);

  double meanRows() {
    return batches == 0 ? Double.NaN : rows / batches;
  }
}
