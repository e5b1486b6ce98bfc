package io.canopy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PercentilePlotTest {

  @TempDir Path dir;

  private static Histogram latencies(long fromMicros, long toMicros) {
    Histogram h = new Histogram(LatencyRecorder.HIGHEST_NANOS, 3);
    for (long us = fromMicros; us <= toMicros; us++) {
      h.recordValue(us * 1000);
    }
    return h;
  }

  @Test
  void x_percentiles_sitOnTheLogScaleOfTheTail() {
    assertThat(PercentilePlot.x(90)).isCloseTo(1, within(1e-9));
    assertThat(PercentilePlot.x(99)).isCloseTo(2, within(1e-9));
    assertThat(PercentilePlot.x(99.9)).isCloseTo(3, within(1e-9));
    assertThat(PercentilePlot.x(50)).isCloseTo(Math.log10(2), within(1e-9));
  }

  @Test
  void write_twoCurves_writesAPngOfTheExpectedSizeWithBothColours() throws Exception {
    Path png = dir.resolve("plot.png");
    List<Curve> curves =
        List.of(Curve.of("fast", latencies(100, 200)), Curve.of("slow", latencies(1000, 3000)));

    PercentilePlot.write(curves, "test", png);

    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(PercentilePlot.WIDTH);
    assertThat(image.getHeight()).isEqualTo(PercentilePlot.HEIGHT);
    assertThat(countPixels(image, 0x1f77b4)).isGreaterThan(100);
    assertThat(countPixels(image, 0xd62728)).isGreaterThan(100);
  }

  @Test
  void render_noCurves_stillDrawsTheAxes() {
    BufferedImage image =
        PercentilePlot.render(List.of(Curve.of("empty", latencies(1, 0))), "empty");

    assertThat(image.getWidth()).isEqualTo(PercentilePlot.WIDTH);
    assertThat(countPixels(image, 0x000000)).isGreaterThan(1000);
  }

  private static int countPixels(BufferedImage image, int rgb) {
    int n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if ((image.getRGB(x, y) & 0xffffff) == rgb) {
          n++;
        }
      }
    }
    return n;
  }
}
