package io.canopy.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.Optional;

/**
 * What {@code canopy bench --tune} prints: a row per measured candidate (its most throughput within
 * the target, at how many clients, that step's p50/p99 and rows per upstream batch), the winner as
 * gateway.yaml lines and {@code -D} flags, its gain over the shipped default measured in the same
 * run; or that nothing met the target, with the closest candidate. Text or one JSON object.
 *
 * @param what e.g. "predict of churn, 1 row(s)/request"
 */
record TuneReport(TuneSearch.Outcome outcome, TuneSpace space, double targetMicros, String what) {

  /** The process's exit code: 0 with a winner, 1 when no candidate met the target. */
  int exitCode() {
    return outcome.winner().isPresent() ? 0 : 1;
  }

  int spaceSize() {
    return space.delays().size()
        * space.batchRows().size()
        * space.inFlight().size()
        * space.nthreads().size();
  }

  /** The shipped default's result, measured first, when it lies in the space. */
  Optional<CandidateResult> baseline() {
    return outcome.results().stream()
        .filter(r -> TuneSpace.isShippedDefault(r.candidate()))
        .findFirst();
  }

  String toText() {
    StringBuilder out = new StringBuilder();
    line(out, "tune: %s, p99 target %.0f µs", what, targetMicros);
    line(
        out,
        "  %-20s %14s %8s %10s %10s %11s %6s",
        space.tunesNthread() ? "DELAY/ROWS/IN-FL tN" : "DELAY/ROWS/IN-FLIGHT",
        "REQ/S IN TARGET",
        "CLIENTS",
        "P50 µs",
        "P99 µs",
        "ROWS/BATCH",
        "STEPS");
    CandidateResult winner = outcome.winner().orElse(null);
    for (CandidateResult r : outcome.results()) {
      String mark = r == winner ? "*" : " ";
      Optional<LoadStep> best = r.best(targetMicros);
      if (r.failure() != null) {
        line(out, "%s %-20s failed: %s", mark, r.candidate().label(), firstLine(r.failure()));
      } else if (best.isPresent()) {
        LoadStep s = best.get();
        line(
            out,
            "%s %-20s %14.1f %8d %10.1f %10.1f %11.1f %6d",
            mark,
            r.candidate().label(),
            s.requestsPerSecond(),
            s.concurrency(),
            s.p50Micros(),
            s.p99Micros(),
            s.batches().meanRows(),
            r.steps().size());
      } else {
        LoadStep c = r.closest().orElse(null);
        line(
            out,
            "%s %-20s %14s %8s %10s %10s %11s %6d",
            mark,
            r.candidate().label(),
            "none",
            c == null ? "-" : Integer.toString(c.concurrency()),
            c == null ? "-" : fmt(c.p50Micros()),
            c == null ? "-" : fmt(c.p99Micros()),
            c == null ? "-" : fmt(c.batches().meanRows()),
            r.steps().size());
      }
    }
    line(
        out,
        "searched %d of %d candidates in %.0f s (%s)",
        outcome.results().size(),
        spaceSize(),
        outcome.elapsed().toMillis() / 1000.0,
        outcome.budgetSpent() ? "budget spent" : "converged");
    if (winner == null) {
      CandidateResult closest = outcome.closest();
      Optional<LoadStep> c = closest.closest();
      line(
          out,
          "no candidate kept p99 within %.0f µs; closest: %s%s",
          targetMicros,
          closest.candidate().label(),
          c.map(
                  s ->
                      String.format(
                          Locale.ROOT,
                          ", p99 %.1f µs at %d client(s), %.1f req/s",
                          s.p99Micros(),
                          s.concurrency(),
                          s.requestsPerSecond()))
              .orElse(" (no step without errors)"));
      return out.toString();
    }
    LoadStep best = winner.best(targetMicros).orElseThrow();
    line(
        out,
        "winner: %s (max-delay/max-batch-rows/max-in-flight%s): %.1f req/s at p99 %.1f µs with %d"
            + " clients%s",
        winner.candidate().label(),
        space.tunesNthread() ? " tN: serving nthread N" : "",
        best.requestsPerSecond(),
        best.p99Micros(),
        best.concurrency(),
        baselineText(winner));
    line(out, space.tunesNthread() ? "in gateway.yaml and serving.yaml:" : "in gateway.yaml:");
    for (String l : winner.candidate().yamlLines()) {
      line(out, "  %s", l);
    }
    line(
        out,
        "or as JVM flags (the gateway's%s): %s",
        space.tunesNthread() ? ", then serving's" : "",
        String.join(" ", winner.candidate().systemProperties()));
    return out.toString();
  }

  private String baselineText(CandidateResult winner) {
    Optional<CandidateResult> base = baseline();
    if (base.isEmpty() || base.get() == winner) {
      return base.isPresent() ? " (the shipped default)" : "";
    }
    double rps = base.get().score(targetMicros);
    return rps > 0
        ? String.format(
            Locale.ROOT,
            "; shipped default %s: %.1f req/s (x%.2f)",
            base.get().candidate().label(),
            rps,
            winner.score(targetMicros) / rps)
        : "; the shipped default " + base.get().candidate().label() + " met the target nowhere";
  }

  String toJson() {
    ObjectNode root = Json.object();
    root.put("what", what);
    Json.putNumber(root, "p99_target_us", targetMicros);
    root.put("met_target", outcome.winner().isPresent());
    root.put("candidates_measured", outcome.results().size());
    root.put("space_size", spaceSize());
    Json.putNumber(root, "elapsed_s", outcome.elapsed().toMillis() / 1000.0);
    root.put("budget_spent", outcome.budgetSpent());
    ArrayNode candidates = root.putArray("candidates");
    for (CandidateResult r : outcome.results()) {
      candidates.add(candidateJson(r));
    }
    if (outcome.winner().isPresent()) {
      ObjectNode winner = candidateJson(outcome.winner().get());
      winner.put("yaml", String.join("\n", outcome.winner().get().candidate().yamlLines()) + "\n");
      ArrayNode flags = winner.putArray("system_properties");
      outcome.winner().get().candidate().systemProperties().forEach(flags::add);
      root.set("winner", winner);
    } else {
      root.putNull("winner");
    }
    root.set("closest", candidateJson(outcome.closest()));
    baseline().ifPresent(b -> root.set("shipped_default", candidateJson(b)));
    return Json.write(root);
  }

  private ObjectNode candidateJson(CandidateResult r) {
    ObjectNode node = Json.object();
    node.put("max_delay", Candidate.durationText(r.candidate().maxDelay()));
    node.put("max_batch_rows", r.candidate().maxBatchRows());
    node.put("max_in_flight", r.candidate().maxInFlight());
    if (r.candidate().nthread() > 0) {
      node.put("nthread", r.candidate().nthread());
    }
    if (r.failure() != null) {
      node.put("failure", r.failure());
    }
    Optional<LoadStep> best = r.best(targetMicros);
    if (best.isPresent()) {
      node.set("best", stepJson(best.get()));
    } else {
      node.putNull("best");
    }
    ArrayNode steps = node.putArray("steps");
    r.steps().forEach(s -> steps.add(stepJson(s)));
    return node;
  }

  private ObjectNode stepJson(LoadStep s) {
    ObjectNode node = Json.object();
    node.put("clients", s.concurrency());
    Json.putNumber(node, "throughput_rps", s.requestsPerSecond());
    Json.putNumber(node, "p50_us", s.p50Micros());
    Json.putNumber(node, "p99_us", s.p99Micros());
    node.put("errors", s.errors());
    node.put("meets_target", s.meets(targetMicros));
    node.put("upstream_batches", s.batches().batches());
    Json.putNumber(node, "mean_batch_rows", s.batches().meanRows());
    Json.putNumber(node, "max_batch_rows_at_most", s.batches().maxRowsBound());
    return node;
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v);
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static void line(StringBuilder out, String format, Object... args) {
    out.append(String.format(Locale.ROOT, format, args)).append(System.lineSeparator());
  }
}
