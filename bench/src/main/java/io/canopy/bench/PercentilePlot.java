package io.canopy.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws latency-by-percentile curves as a PNG with Java2D (headless): x is the usual log scale of
 * 1/(1 - percentile) (50 %, 90 %, 99 %, 99.9 %, …), y is latency in µs, one line per curve with a
 * legend, so runs compare at a glance.
 */
final class PercentilePlot {

  static final int WIDTH = 1000;
  static final int HEIGHT = 600;

  static final int LEFT = 90;
  static final int RIGHT = 30;
  static final int TOP = 50;
  static final int BOTTOM = 60;

  /** The line colours, in order, of every plot this tool draws. */
  static final Color[] PALETTE = {
    new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
    new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)
  };

  private PercentilePlot() {}

  static void write(List<Curve> curves, String title, Path png) throws IOException {
    if (!ImageIO.write(render(curves, title), "png", png.toFile())) {
      throw new IOException("no PNG writer available");
    }
  }

  static BufferedImage render(List<Curve> curves, String title) {
    double maxX = 2;
    double maxY = 1;
    for (Curve c : curves) {
      for (int i = 0; i < c.percentiles().length; i++) {
        maxX = Math.max(maxX, x(c.percentiles()[i]));
        maxY = Math.max(maxY, c.micros()[i]);
      }
    }
    maxX = Math.min(6, Math.ceil(maxX));
    maxY = niceCeiling(maxY * 1.05);

    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(image);
    try {
      Frame frame = new Frame(maxX, maxY);
      drawAxes(g, frame, title);
      for (int i = 0; i < curves.size(); i++) {
        drawCurve(g, frame, curves.get(i), PALETTE[i % PALETTE.length]);
      }
      drawLegend(g, curves);
    } finally {
      g.dispose();
    }
    return image;
  }

  /** x position of a percentile: log10(1 / (1 - p)); 90 % → 1, 99 % → 2, 99.9 % → 3. */
  static double x(double percentile) {
    return Math.log10(100.0 / (100.0 - Math.min(percentile, Curve.LAST_PERCENTILE)));
  }

  private record Frame(double maxX, double maxY) {
    int px(double x) {
      return LEFT + (int) Math.round(x / maxX * (WIDTH - LEFT - RIGHT));
    }

    int py(double y) {
      return HEIGHT - BOTTOM - (int) Math.round(y / maxY * (HEIGHT - TOP - BOTTOM));
    }
  }

  private static void drawAxes(Graphics2D g, Frame f, String title) {
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.setColor(Color.BLACK);
    g.drawString(title, LEFT, TOP - 20);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    for (int k = 0; k <= f.maxX(); k++) {
      double p = 100 - 100 / Math.pow(10, k);
      gridLine(g, f.px(k), TOP, f.px(k), HEIGHT - BOTTOM);
      g.drawString(percentLabel(p), f.px(k) - 18, HEIGHT - BOTTOM + 18);
    }
    gridLine(g, f.px(x(50)), TOP, f.px(x(50)), HEIGHT - BOTTOM);
    g.drawString("50%", f.px(x(50)) - 12, HEIGHT - BOTTOM + 18);
    for (int k = 0; k <= 5; k++) {
      double y = f.maxY() * k / 5;
      gridLine(g, LEFT, f.py(y), WIDTH - RIGHT, f.py(y));
      String label = String.format(Locale.ROOT, "%,.0f", y);
      g.drawString(label, LEFT - 8 - g.getFontMetrics().stringWidth(label), f.py(y) + 4);
    }
    g.setColor(Color.BLACK);
    g.drawRect(LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
    g.drawString("percentile", WIDTH / 2 - 30, HEIGHT - 15);
    g.rotate(-Math.PI / 2);
    g.drawString("latency (µs)", -(HEIGHT / 2) - 35, 20);
    g.rotate(Math.PI / 2);
  }

  static void gridLine(Graphics2D g, int x1, int y1, int x2, int y2) {
    g.setColor(new Color(0xdddddd));
    g.drawLine(x1, y1, x2, y2);
    g.setColor(Color.BLACK);
  }

  private static void drawCurve(Graphics2D g, Frame f, Curve c, Color color) {
    if (c.percentiles().length == 0) {
      return;
    }
    Path2D.Double line = new Path2D.Double();
    for (int i = 0; i < c.percentiles().length; i++) {
      double px = f.px(x(c.percentiles()[i]));
      double py = f.py(c.micros()[i]);
      if (i == 0) {
        line.moveTo(px, py);
      } else {
        line.lineTo(px, py);
      }
    }
    g.setColor(color);
    g.setStroke(new BasicStroke(2f));
    g.draw(line);
    g.setStroke(new BasicStroke(1f));
  }

  private static void drawLegend(Graphics2D g, List<Curve> curves) {
    int y = TOP + 20;
    for (int i = 0; i < curves.size(); i++) {
      g.setColor(PALETTE[i % PALETTE.length]);
      g.fillRect(LEFT + 15, y - 9, 24, 4);
      g.setColor(Color.BLACK);
      g.drawString(curves.get(i).label(), LEFT + 45, y - 3);
      y += 18;
    }
  }

  private static String percentLabel(double p) {
    String s = String.format(Locale.ROOT, "%.4f", p).replaceAll("0+$", "").replaceAll("\\.$", "");
    return s + "%";
  }

  /** 1, 2 or 5 times a power of ten, at least {@code v}. */
  /** A white, antialiased canvas over all of {@code image}; the caller disposes it. */
  static Graphics2D canvas(BufferedImage image) {
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, image.getWidth(), image.getHeight());
    return g;
  }

  static double niceCeiling(double v) {
    double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
    for (double step : new double[] {1, 2, 5, 10}) {
      if (step * magnitude >= v) {
        return step * magnitude;
      }
    }
    return 10 * magnitude;
  }
}
