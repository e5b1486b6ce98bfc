package io.canopy.cli.registry;

import java.io.PrintStream;

/** A one-line upload progress bar on a terminal stream, redrawn at most every whole percent. */
final class ProgressBar {

  private static final int WIDTH = 30;
  private final PrintStream out;
  private final long total;
  private int lastPercent = -1;

  ProgressBar(PrintStream out, long total) {
    this.out = out;
    this.total = Math.max(1, total);
  }

  void update(long done) {
    int percent = (int) Math.min(100, done * 100 / total);
    if (percent == lastPercent) {
      return;
    }
    lastPercent = percent;
    int filled = percent * WIDTH / 100;
    out.printf(
        "\rupload [%s%s] %3d%%  %,d / %,d bytes",
        "#".repeat(filled), " ".repeat(WIDTH - filled), percent, done, total);
    out.flush();
  }

  void finish() {
    out.println();
  }
}
