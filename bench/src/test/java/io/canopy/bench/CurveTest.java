package io.canopy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CurveTest {

  @TempDir Path dir;

  @Test
  void readHgrm_fileWrittenInMicros_givesTheHistogramsPercentiles() throws Exception {
    Histogram nanos = new Histogram(LatencyRecorder.HIGHEST_NANOS, 3);
    for (int i = 1; i <= 10_000; i++) {
      nanos.recordValue(i * 1000L);
    }
    Path file = dir.resolve("run-a.hgrm");
    try (PrintStream out = new PrintStream(Files.newOutputStream(file))) {
      nanos.outputPercentileDistribution(out, 5, 1000.0);
    }

    Curve curve = Curve.readHgrm(file);

    assertThat(curve.label()).isEqualTo("run-a");
    assertThat(curve.percentiles()).isSorted();
    assertThat(curve.percentiles()[curve.percentiles().length - 1])
        .isLessThanOrEqualTo(Curve.LAST_PERCENTILE);
    int median = indexOf(curve.percentiles(), 50);
    assertThat(curve.micros()[median]).isCloseTo(5000, within(10.0));
    Curve direct = Curve.of("direct", nanos);
    assertThat(direct.micros()[indexOf(direct.percentiles(), 50)]).isCloseTo(5000, within(10.0));
  }

  @Test
  void readHgrm_notAnHgrmFile_isRejected() throws Exception {
    Path file = Files.writeString(dir.resolve("x.hgrm"), "hello\nworld\n");

    assertThatThrownBy(() -> Curve.readHgrm(file)).isInstanceOf(IllegalArgumentException.class);
  }

  private static int indexOf(double[] percentiles, double p) {
    for (int i = 0; i < percentiles.length; i++) {
      if (Math.abs(percentiles[i] - p) < 1e-6) {
        return i;
      }
    }
    throw new AssertionError("no point at " + p);
  }
}
