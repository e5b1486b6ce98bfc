package io.canopy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ReportTest {

  private static Report report(String target, long micros, long count, double seconds) {
    Histogram h = new Histogram(LatencyRecorder.HIGHEST_NANOS, 3);
    h.recordValueWithCount(micros * 1000, count);
    return new Report(target, "closed loop, 1 clients", 4, seconds, h, Map.of("UNAVAILABLE", 2L));
  }

  @Test
  void toJson_statesCountsThroughputAndPercentiles() {
    String json = report("predict", 250, 98, 2.0).toJson();

    assertThat(json)
        .contains(
            "\"requests\":100",
            "\"ok\":98",
            "\"errors\":{\"UNAVAILABLE\":2}",
            "\"throughput_rps\":50",
            "\"rows_per_s\":196",
            "\"p99_9\":250.");
  }

  @Test
  void ratiosTo_floor_dividesPercentilesAndThroughput() {
    Map<String, Double> ratios =
        report("predict", 400, 98, 2.0).ratiosTo(report("floor", 100, 398, 2.0));

    assertThat(ratios.get("p50")).isBetween(3.99, 4.01);
    assertThat(ratios.get("throughput")).isEqualTo(0.25);
  }

  @Test
  void json_escapesControlCharacters() {
    assertThat(report("a\"b\\c\nd\u0001", 250, 98, 2.0).toJson())
        .contains("\"target\":\"a\\\"b\\\\c\\nd\\u0001\"");
  }
}
