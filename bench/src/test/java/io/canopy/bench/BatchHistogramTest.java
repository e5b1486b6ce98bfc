package io.canopy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BatchHistogramTest {

  private static String page(long le1, long le2, long le4, long inf, long count, double sum) {
    String labels = "scope=\"application\",service=\"gateway\"";
    return String.join(
        "\n",
        "# TYPE canopy_gateway_batch_rows histogram",
        "canopy_gateway_batch_rows{" + labels + ",quantile=\"0.5\",} 1.0",
        "canopy_gateway_batch_rows_bucket{" + labels + ",le=\"1.0\",} " + le1 + ".0",
        "canopy_gateway_batch_rows_bucket{" + labels + ",le=\"2.0\",} " + le2 + ".0",
        "canopy_gateway_batch_rows_bucket{" + labels + ",le=\"4.0\",} " + le4 + ".0",
        "canopy_gateway_batch_rows_bucket{" + labels + ",le=\"+Inf\",} " + inf + ".0",
        "canopy_gateway_batch_rows_count{" + labels + ",} " + count + ".0",
        "canopy_gateway_batch_rows_sum{" + labels + ",} " + sum,
        "canopy_gateway_batch_rows_max{" + labels + ",} 4.0",
        "canopy_gateway_queue_wait_seconds_count{" + labels + ",} 99.0",
        "");
  }

  @Test
  void since_stepWithBatchesUpToTwoRows_meanAndBoundOfThatStepOnly() {
    BatchHistogram before = BatchHistogram.parse(page(10, 10, 12, 12, 12, 16));
    BatchHistogram after = BatchHistogram.parse(page(14, 20, 22, 22, 22, 40));

    BatchStats step = after.since(before);

    assertThat(step.batches()).isEqualTo(10);
    assertThat(step.meanRows()).isEqualTo(2.4);
    assertThat(step.maxRowsBound()).isEqualTo(2.0);
  }

  @Test
  void since_batchesOverTheLastFiniteBucket_boundIsInfinite() {
    BatchHistogram after = BatchHistogram.parse(page(0, 0, 0, 3, 3, 300));

    assertThat(after.since(BatchHistogram.EMPTY).maxRowsBound()).isInfinite();
  }

  @Test
  void since_noNewBatches_none() {
    BatchHistogram h = BatchHistogram.parse(page(1, 1, 1, 1, 1, 1));

    assertThat(h.since(h)).isEqualTo(BatchStats.NONE);
    assertThat(BatchHistogram.parse("no metrics here").count()).isZero();
  }
}
