package io.canopy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelMixTest {

  private static int[] draw(ModelMix mix, int n) {
    int[] counts = new int[mix.models().size()];
    for (int i = 0; i < n; i++) {
      counts[mix.getAsInt()]++;
    }
    return counts;
  }

  @Test
  void uniform_asksForEveryModelAboutEqually() throws Exception {
    ModelMix mix = ModelMix.of("a,b,c,d", "uniform", null);
    for (int c : draw(mix, 40_000)) {
      assertThat(c).isBetween(9_000, 11_000);
    }
  }

  @Test
  void zipf_theFirstIsHottest_inProportionToOneOverRankToTheS() throws Exception {
    ModelMix mix =
        new ModelMix(
            java.util.stream.IntStream.range(0, 100).mapToObj(i -> "tenant-" + i).toList(),
            ModelMix.cumulative(100, "zipf:1.1"));
    int[] counts = draw(mix, 200_000);
    // P(1) / P(2) = 2^1.1 = 2.14
    assertThat((double) counts[0] / counts[1]).isBetween(1.95, 2.35);
    assertThat(counts[0]).isGreaterThan(counts[9] * 10);
  }

  @Test
  void badSpecs_areRefusedNamingTheOption() {
    assertThatThrownBy(() -> ModelMix.cumulative(3, "pareto"))
        .hasMessageContaining("--distribution");
    assertThatThrownBy(() -> ModelMix.cumulative(3, "zipf:-1")).hasMessageContaining("zipf:S");
    assertThatThrownBy(() -> new ModelMix(List.of(), new double[0]))
        .hasMessageContaining("--models");
  }
}
