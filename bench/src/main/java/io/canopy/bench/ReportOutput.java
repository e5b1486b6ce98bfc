package io.canopy.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a finished run goes: a text table or one JSON object on stdout, the latency distribution as
 * an {@code .hgrm} file (µs), and the percentile plot (with earlier runs' curves).
 */
record ReportOutput(PrintWriter out, boolean json, Path hgrm, Path plot, List<Path> compare) {

  /**
   * @param floor the floor run of the same invocation, or null
   */
  void write(Report main, Report floor) throws IOException {
    write(main, floor, null);
  }

  /**
   * @param interleaved the per-cycle figures when floor and main ran interleaved, or null
   */
  void write(Report main, Report floor, Interleaved.Result interleaved) throws IOException {
    Map<String, Double> ratios = floor == null ? null : main.ratiosTo(floor);
    if (json) {
      ObjectNode line = main.toJsonNode();
      if (floor != null) {
        line.set("floor", floor.toJsonNode());
        line.set("ratio_to_floor", Report.ratiosJson(ratios));
        if (interleaved != null) {
          ObjectNode cycles = line.putObject("interleaved");
          cycles.put("cycles", interleaved.cycles());
          Json.putNumber(cycles, "p50_ratio_median_of_cycles", interleaved.p50RatioMedian());
        }
      }
      out.println(Json.write(line));
    } else {
      if (floor != null) {
        out.print(floor.toText());
      }
      out.print(main.toText());
      if (floor != null) {
        out.print(Report.ratiosText(ratios));
      }
      if (interleaved != null) {
        out.printf(
            Locale.ROOT,
            "p50 ÷ floor p50, median of %d interleaved cycles: %.3f%n",
            interleaved.cycles(),
            interleaved.p50RatioMedian());
      }
    }
    out.flush();
    if (hgrm != null) {
      writeHgrm(main, hgrm);
      if (floor != null) {
        writeHgrm(floor, floorSibling(hgrm));
      }
    }
    if (plot != null) {
      List<Curve> curves = new ArrayList<>();
      for (Path file : compare) {
        curves.add(Curve.readHgrm(file));
      }
      curves.add(Curve.of(main.target() + " (" + main.shape() + ")", main.latencies()));
      if (floor != null) {
        curves.add(Curve.of("floor (" + floor.shape() + ")", floor.latencies()));
      }
      PercentilePlot.write(curves, "Latency by percentile", plot);
    }
  }

  /** {@code run.hgrm} → {@code run.floor.hgrm}. */
  static Path floorSibling(Path hgrm) {
    String name = hgrm.getFileName().toString();
    String base = name.endsWith(".hgrm") ? name.substring(0, name.length() - 5) : name;
    return hgrm.resolveSibling(base + ".floor.hgrm");
  }

  private static void writeHgrm(Report report, Path file) throws IOException {
    try (PrintStream stream =
        new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8)) {
      report.latencies().outputPercentileDistribution(stream, 5, 1000.0);
    }
  }
}
