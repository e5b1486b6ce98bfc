package io.canopy.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class MetricLabelsTest {

  /** Models "a".."e" exist, each with versions 1-3. */
  private static final MetricLabels.Known KNOWN =
      new MetricLabels.Known() {
        @Override
        public boolean hasModel(String name) {
          return Set.of("a", "b", "c", "d", "e").contains(name);
        }

        @Override
        public boolean hasVersion(String model, long version) {
          return hasModel(model) && version >= 1 && version <= 3;
        }
      };

  @Test
  void of_unknownModelOrVersion_foldsIntoUnknown() {
    MetricLabels labels = new MetricLabels(KNOWN, 100);

    assertThat(labels.of("m", "a", "2")).isEqualTo(new MetricLabels.Labels("a", "2"));
    assertThat(labels.of("m", "zzz", "2"))
        .isEqualTo(new MetricLabels.Labels("_unknown", "_unknown"));
    assertThat(labels.of("m", "a", "999")).isEqualTo(new MetricLabels.Labels("a", "_unknown"));
    assertThat(labels.of("m", "a", "x'; drop")).isEqualTo(new MetricLabels.Labels("a", "_unknown"));
    assertThat(labels.of("m", "zzz", "")).isEqualTo(new MetricLabels.Labels("_unknown", ""));
    assertThat(labels.of("m", "a", "0")).isEqualTo(new MetricLabels.Labels("a", "0"));
  }

  @Test
  void of_pastTheCap_foldsIntoOther_andForgettingFreesSlots() {
    MetricLabels labels = new MetricLabels(KNOWN, 3);

    assertThat(labels.of("m", "a", "1").model()).isEqualTo("a");
    assertThat(labels.of("m", "b", "1").model()).isEqualTo("b");
    assertThat(labels.of("m", "c", "1").model()).isEqualTo("c");
    assertThat(labels.of("m", "d", "1")).isEqualTo(new MetricLabels.Labels("_other", "_other"));
    assertThat(labels.of("m", "a", "1").model()).as("a pair already counted").isEqualTo("a");
    assertThat(labels.of("other-metric", "d", "1").model())
        .as("the cap is per metric")
        .isEqualTo("d");

    labels.forget("a");
    assertThat(labels.of("m", "d", "1").model()).isEqualTo("d");
    labels.forget("b", "1");
    assertThat(labels.of("m", "e", "1").model()).isEqualTo("e");
  }

  @Test
  void of_thousandsOfMadeUpNames_addNoPairs() {
    MetricLabels labels = new MetricLabels(KNOWN, 10);
    for (int i = 0; i < 10_000; i++) {
      labels.of("m", "made-up-" + i, Integer.toString(i));
    }
    assertThat(labels.of("m", "a", "1"))
        .as("the real model still gets its own labels")
        .isEqualTo(new MetricLabels.Labels("a", "1"));
  }
}
