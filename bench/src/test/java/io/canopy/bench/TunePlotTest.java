package io.canopy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TunePlotTest {

  @TempDir Path dir;

  private static final double TARGET = 5_000;
  private static final TuneSpace SPACE =
      new TuneSpace(List.of(Duration.ZERO), List.of(64, 512), List.of(4, 8), List.of());

  private static CandidateResult result(Candidate c, double... p99s) {
    List<LoadStep> steps = new java.util.ArrayList<>();
    for (int i = 0; i < p99s.length; i++) {
      steps.add(new LoadStep(1 << i, 1000.0 * (i + 1), p99s[i] / 2, p99s[i], 0, BatchStats.NONE));
    }
    return new CandidateResult(c, steps, null);
  }

  private static TuneReport report(CandidateResult... results) {
    List<CandidateResult> all = List.of(results);
    CandidateResult best = all.stream().min(CandidateResult.ranking(TARGET)).orElseThrow();
    Optional<CandidateResult> winner =
        best.score(TARGET) > 0 ? Optional.of(best) : Optional.empty();
    return new TuneReport(
        new TuneSearch.Outcome(all, winner, best, false, Duration.ofSeconds(30)),
        SPACE,
        TARGET,
        "test");
  }

  @Test
  void write_twoCandidates_pngOfTheSizeWithBothCurvesTheTargetAndTheWinnerRing() throws Exception {
    Path png = dir.resolve("tune.png");
    TuneReport report =
        report(
            result(TuneSpace.SHIPPED_DEFAULT, 1_000, 2_000, 9_000),
            result(new Candidate(Duration.ZERO, 64, 4, 0), 800, 1_500, 3_000, 20_000));

    TunePlot.write(report, "test", png);

    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(PercentilePlot.WIDTH);
    assertThat(image.getHeight()).isEqualTo(PercentilePlot.HEIGHT);
    assertThat(countPixels(image, PercentilePlot.PALETTE[0].getRGB())).isGreaterThan(100);
    assertThat(countPixels(image, PercentilePlot.PALETTE[1].getRGB())).isGreaterThan(100);
    assertThat(countPixels(image, TunePlot.TARGET.getRGB())).isGreaterThan(300);
    assertThat(report.toText())
        .contains("* 0ms/64/4", "max-batch-rows: 64", "-Dgateway.batching.max-in-flight=4");
  }

  @Test
  void render_noWinner_stillDrawsTheTargetAndEveryCandidate() {
    BufferedImage image =
        TunePlot.render(report(result(TuneSpace.SHIPPED_DEFAULT, 7_000, 9_000)), "none");

    assertThat(countPixels(image, TunePlot.TARGET.getRGB())).isGreaterThan(300);
    assertThat(countPixels(image, PercentilePlot.PALETTE[0].getRGB())).isGreaterThan(50);
  }

  private static int countPixels(BufferedImage image, int rgb) {
    int n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if ((image.getRGB(x, y) & 0xffffff) == (rgb & 0xffffff)) {
          n++;
        }
      }
    }
    return n;
  }
}
