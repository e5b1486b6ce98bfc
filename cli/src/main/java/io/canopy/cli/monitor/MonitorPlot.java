package io.canopy.cli.monitor;

import io.canopy.proto.monitor.v1.GetHistoryResponse;
import io.canopy.proto.monitor.v1.HistoryPoint;
import io.canopy.proto.monitor.v1.VersionHistory;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * {@code canopy monitor --plot}: a PNG (Java2D, headless) of a model's history, one line per
 * version: the headline quality metric over time on top, the largest feature PSI below, with the
 * usual 0.1 and 0.25 marks.
 */
final class MonitorPlot {

  static final int WIDTH = 1000;
  static final int HEIGHT = 700;

  private static final int LEFT = 80;
  private static final int RIGHT = 160;
  private static final int TOP = 50;
  private static final int GAP = 60;
  private static final int BOTTOM = 50;
  private static final int PANEL = (HEIGHT - TOP - GAP - BOTTOM) / 2;
  private static final Color[] PALETTE = {
    new Color(0x1f77b4),
    new Color(0xd62728),
    new Color(0x2ca02c),
    new Color(0xff7f0e),
    new Color(0x9467bd),
    new Color(0x8c564b)
  };
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("MM-dd HH:mm", Locale.ROOT).withZone(ZoneId.of("UTC"));

  private MonitorPlot() {}

  static void write(GetHistoryResponse history, String model, Path png) throws IOException {
    if (!ImageIO.write(render(history, model), "png", png.toFile())) {
      throw new IOException("no PNG writer available");
    }
  }

  static BufferedImage render(GetHistoryResponse history, String model) {
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, HEIGHT);
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
      g.drawString(model + ": quality and drift over time (UTC)", LEFT, TOP - 20);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      String metric = "quality";
      long from = Long.MAX_VALUE;
      long to = Long.MIN_VALUE;
      double maxPsi = 0.3;
      for (VersionHistory v : history.getVersionsList()) {
        metric = v.getMetric().isEmpty() ? metric : v.getMetric();
        for (HistoryPoint p : v.getPointsList()) {
          from = Math.min(from, p.getStart().getSeconds() * 1000);
          to = Math.max(to, p.getEnd().getSeconds() * 1000);
          maxPsi =
              Double.isNaN(p.getFeaturePsiMax()) ? maxPsi : Math.max(maxPsi, p.getFeaturePsiMax());
        }
      }
      if (from >= to) {
        g.drawString("no predictions in this window", LEFT, TOP + 20);
        return image;
      }
      double[] qualityRange = range(history);
      Panel top =
          new Panel(
              TOP, from, to, qualityRange[0], qualityRange[1], metric.toUpperCase(Locale.ROOT));
      Panel bottom = new Panel(TOP + PANEL + GAP, from, to, 0, maxPsi * 1.1, "largest feature PSI");
      top.axes(g);
      bottom.axes(g);
      bottom.mark(g, 0.1, "0.1");
      bottom.mark(g, 0.25, "0.25");
      int i = 0;
      for (VersionHistory v : history.getVersionsList()) {
        Color color = PALETTE[i % PALETTE.length];
        top.line(g, v, HistoryPoint::getMetric, color);
        bottom.line(g, v, HistoryPoint::getFeaturePsiMax, color);
        g.setColor(color);
        g.fillRect(WIDTH - RIGHT + 20, TOP + 10 + 18 * i, 24, 4);
        g.setColor(Color.BLACK);
        g.drawString("v" + v.getVersion(), WIDTH - RIGHT + 50, TOP + 16 + 18 * i);
        i++;
      }
    } finally {
      g.dispose();
    }
    return image;
  }

  /** The quality axis: 0.5-1 for AUC and accuracy unless values fall below, else 0 to the max. */
  private static double[] range(GetHistoryResponse history) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (VersionHistory v : history.getVersionsList()) {
      for (HistoryPoint p : v.getPointsList()) {
        if (!Double.isNaN(p.getMetric())) {
          min = Math.min(min, p.getMetric());
          max = Math.max(max, p.getMetric());
        }
      }
    }
    if (min > max) {
      return new double[] {0, 1};
    }
    if (max <= 1) {
      return new double[] {Math.min(0.5, Math.floor(min * 10) / 10), 1};
    }
    return new double[] {0, max * 1.1};
  }

  private record Panel(int top, long from, long to, double low, double high, String label) {

    int px(long millis) {
      return LEFT
          + (int) Math.round((double) (millis - from) / (to - from) * (WIDTH - LEFT - RIGHT));
    }

    int py(double v) {
      return top + PANEL - (int) Math.round((v - low) / (high - low) * PANEL);
    }

    void axes(Graphics2D g) {
      for (int k = 0; k <= 4; k++) {
        double v = low + (high - low) * k / 4;
        g.setColor(new Color(0xdddddd));
        g.drawLine(LEFT, py(v), WIDTH - RIGHT, py(v));
        g.setColor(Color.BLACK);
        String text = String.format(Locale.ROOT, "%.2f", v);
        g.drawString(text, LEFT - 8 - g.getFontMetrics().stringWidth(text), py(v) + 4);
      }
      for (int k = 0; k <= 4; k++) {
        long t = from + (to - from) * k / 4;
        String text = TIME.format(Instant.ofEpochMilli(t));
        g.drawString(text, px(t) - g.getFontMetrics().stringWidth(text) / 2, top + PANEL + 16);
      }
      g.drawRect(LEFT, top, WIDTH - LEFT - RIGHT, PANEL);
      g.drawString(label, LEFT + 6, top + 14);
    }

    void mark(Graphics2D g, double v, String text) {
      if (v > high) {
        return;
      }
      g.setColor(new Color(0xbbbbbb));
      g.setStroke(
          new BasicStroke(
              1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6, 4}, 0));
      g.drawLine(LEFT, py(v), WIDTH - RIGHT, py(v));
      g.setStroke(new BasicStroke(1f));
      g.drawString(text, WIDTH - RIGHT + 4, py(v) + 4);
      g.setColor(Color.BLACK);
    }

    void line(Graphics2D g, VersionHistory v, ToDoubleFunction<HistoryPoint> value, Color color) {
      Path2D.Double path = new Path2D.Double();
      boolean drawing = false;
      g.setColor(color);
      for (HistoryPoint p : v.getPointsList()) {
        double y = value.applyAsDouble(p);
        long mid = (p.getStart().getSeconds() + p.getEnd().getSeconds()) * 500;
        if (Double.isNaN(y)) {
          drawing = false;
          continue;
        }
        if (drawing) {
          path.lineTo(px(mid), py(y));
        } else {
          path.moveTo(px(mid), py(y));
          drawing = true;
        }
        g.fillOval(px(mid) - 3, py(y) - 3, 6, 6);
      }
      g.setStroke(new BasicStroke(2f));
      g.draw(path);
      g.setStroke(new BasicStroke(1f));
      g.setColor(Color.BLACK);
    }
  }
}
