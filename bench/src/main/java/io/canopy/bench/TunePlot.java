package io.canopy.bench;

import static io.canopy.bench.PercentilePlot.BOTTOM;
import static io.canopy.bench.PercentilePlot.HEIGHT;
import static io.canopy.bench.PercentilePlot.LEFT;
import static io.canopy.bench.PercentilePlot.PALETTE;
import static io.canopy.bench.PercentilePlot.RIGHT;
import static io.canopy.bench.PercentilePlot.TOP;
import static io.canopy.bench.PercentilePlot.WIDTH;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The curve of {@code canopy bench --tune}: throughput (x) against p99 (y) of every load step, one
 * line per candidate through its steps by client count, the p99 target as a dashed red line, the
 * winner's step ringed and named. Same size, palette and axes style as {@link PercentilePlot}.
 * Steps far over the target are drawn at the top edge so the region near the target stays legible.
 */
final class TunePlot {

  static final Color TARGET = new Color(0xd62728);

  /** The y axis ends at most this many targets up. */
  private static final double Y_TARGETS = 3;

  private TunePlot() {}

  static void write(TuneReport report, String title, Path png) throws IOException {
    if (!ImageIO.write(render(report, title), "png", png.toFile())) {
      throw new IOException("no PNG writer available");
    }
  }

  static BufferedImage render(TuneReport report, String title) {
    double target = report.targetMicros() / 1000.0;
    List<CandidateResult> results = report.outcome().results();
    double maxX = 1;
    double maxY = target;
    for (CandidateResult r : results) {
      for (LoadStep s : r.steps()) {
        maxX = Math.max(maxX, s.requestsPerSecond());
        if (!Double.isNaN(s.p99Micros())) {
          maxY = Math.max(maxY, s.p99Micros() / 1000.0);
        }
      }
    }
    Frame f =
        new Frame(
            PercentilePlot.niceCeiling(maxX * 1.05),
            PercentilePlot.niceCeiling(Math.min(maxY, target * Y_TARGETS) * 1.1));
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = PercentilePlot.canvas(image);
    try {
      axes(g, f, title);
      for (int i = 0; i < results.size(); i++) {
        candidate(g, f, results.get(i), i);
      }
      targetLine(g, f, target);
      if (maxY > f.maxY()) {
        String note =
            String.format(Locale.ROOT, "steps with p99 over %.2f ms sit on the top edge", f.maxY());
        g.setColor(Color.DARK_GRAY);
        g.drawString(note, WIDTH - RIGHT - g.getFontMetrics().stringWidth(note), TOP - 6);
      }
      report.outcome().winner().ifPresent(w -> winner(g, f, w, report.targetMicros()));
      legend(g, results, report.outcome().winner().orElse(null));
    } finally {
      g.dispose();
    }
    return image;
  }

  private record Frame(double maxX, double maxY) {
    int px(double x) {
      return LEFT + (int) Math.round(x / maxX * (WIDTH - LEFT - RIGHT));
    }

    /** Values over the axis sit on its top edge. */
    int py(double y) {
      return HEIGHT - BOTTOM - (int) Math.round(Math.min(y, maxY) / maxY * (HEIGHT - TOP - BOTTOM));
    }
  }

  private static void axes(Graphics2D g, Frame f, String title) {
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.setColor(Color.BLACK);
    g.drawString(title, LEFT, TOP - 20);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    for (int k = 0; k <= 5; k++) {
      double x = f.maxX() * k / 5;
      PercentilePlot.gridLine(g, f.px(x), TOP, f.px(x), HEIGHT - BOTTOM);
      String label = String.format(Locale.ROOT, "%,.0f", x);
      g.drawString(
          label, f.px(x) - g.getFontMetrics().stringWidth(label) / 2, HEIGHT - BOTTOM + 18);
      double y = f.maxY() * k / 5;
      PercentilePlot.gridLine(g, LEFT, f.py(y), WIDTH - RIGHT, f.py(y));
      label = String.format(Locale.ROOT, "%.2f", y);
      g.drawString(label, LEFT - 8 - g.getFontMetrics().stringWidth(label), f.py(y) + 4);
    }
    g.drawRect(LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
    g.drawString("throughput (req/s)", WIDTH / 2 - 50, HEIGHT - 15);
    g.rotate(-Math.PI / 2);
    g.drawString("p99 latency (ms)", -(HEIGHT / 2) - 45, 20);
    g.rotate(Math.PI / 2);
  }

  /** Colour by index; past the palette, dashed lines, so up to 16 candidates stay apart. */
  private static BasicStroke stroke(int index) {
    return index / PALETTE.length % 2 == 0
        ? new BasicStroke(2f)
        : new BasicStroke(
            2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f);
  }

  private static void candidate(Graphics2D g, Frame f, CandidateResult r, int index) {
    List<LoadStep> steps =
        r.steps().stream()
            .filter(s -> !Double.isNaN(s.p99Micros()))
            .sorted(Comparator.comparingInt(LoadStep::concurrency))
            .toList();
    if (steps.isEmpty()) {
      return;
    }
    g.setColor(PALETTE[index % PALETTE.length]);
    Path2D.Double line = new Path2D.Double();
    for (int i = 0; i < steps.size(); i++) {
      int x = f.px(steps.get(i).requestsPerSecond());
      int y = f.py(steps.get(i).p99Micros() / 1000.0);
      if (i == 0) {
        line.moveTo(x, y);
      } else {
        line.lineTo(x, y);
      }
      g.fillOval(x - 3, y - 3, 7, 7);
    }
    g.setStroke(stroke(index));
    g.draw(line);
    g.setStroke(new BasicStroke(1f));
  }

  private static void targetLine(Graphics2D g, Frame f, double targetMillis) {
    int y = f.py(targetMillis);
    g.setColor(TARGET);
    g.setStroke(
        new BasicStroke(
            2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {10f, 6f}, 0f));
    g.drawLine(LEFT, y, WIDTH - RIGHT, y);
    g.setStroke(new BasicStroke(1f));
    String label = String.format(Locale.ROOT, "p99 target %.2f ms", targetMillis);
    g.drawString(label, WIDTH - RIGHT - 8 - g.getFontMetrics().stringWidth(label), y - 6);
  }

  private static void winner(Graphics2D g, Frame f, CandidateResult w, double targetMicros) {
    LoadStep best = w.best(targetMicros).orElseThrow();
    int x = f.px(best.requestsPerSecond());
    int y = f.py(best.p99Micros() / 1000.0);
    g.setColor(Color.BLACK);
    g.setStroke(new BasicStroke(3f));
    g.drawOval(x - 11, y - 11, 22, 22);
    g.setStroke(new BasicStroke(1f));
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
    String label =
        String.format(
            Locale.ROOT, "winner %s: %.0f req/s", w.candidate().label(), best.requestsPerSecond());
    int width = g.getFontMetrics().stringWidth(label);
    int lx = Math.max(LEFT + 4, Math.min(x - width / 2, WIDTH - RIGHT - width - 4));
    g.drawString(label, lx, Math.max(TOP + 14, y - 18));
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
  }

  private static void legend(Graphics2D g, List<CandidateResult> results, CandidateResult winner) {
    int x = LEFT + 15;
    int y = TOP + 20;
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    g.setColor(Color.BLACK);
    g.drawString("delay/rows/in-flight", x, y - 3);
    y += 16;
    for (int i = 0; i < results.size(); i++) {
      g.setColor(PALETTE[i % PALETTE.length]);
      g.setStroke(stroke(i));
      g.drawLine(x, y - 7, x + 24, y - 7);
      g.setStroke(new BasicStroke(1f));
      g.setColor(Color.BLACK);
      g.drawString(
          results.get(i).candidate().label() + (results.get(i) == winner ? "  (winner)" : ""),
          x + 30,
          y - 3);
      y += 15;
    }
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
  }
}
