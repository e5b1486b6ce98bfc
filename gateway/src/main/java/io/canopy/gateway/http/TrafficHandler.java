package io.canopy.gateway.http;

import com.fasterxml.jackson.core.JsonGenerator;
import io.canopy.gateway.traffic.TrafficHistory;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.time.Duration;

/**
 * The gateway's own recent traffic, for the console's charts (from {@link TrafficHistory}, complete
 * 5-second steps only): {@code GET /v1/console/traffic} (each model over the last minute) and
 * {@code GET /v1/console/traffic/{m}?seconds=300} (that model's steps per version, 10 to 600
 * seconds, oldest first). A model without traffic in the last ten minutes has no series.
 */
record TrafficHandler(TrafficHistory history, JsonReplies replies) {

  private static final Duration OVERVIEW = Duration.ofSeconds(60);
  private static final int DEFAULT_SECONDS = 300;
  private static final int MIN_SECONDS = 10;
  private static final int MAX_SECONDS =
      TrafficHistory.STEPS * (int) TrafficHistory.STEP.toSeconds();

  void routes(HttpRules rules) {
    rules.get("/v1/console/traffic", this::overview).get("/v1/console/traffic/{m}", this::model);
  }

  private void overview(ServerRequest req, ServerResponse res) {
    var totals = history.totals(OVERVIEW);
    double seconds = OVERVIEW.toSeconds();
    replies.send(
        res,
        200,
        g -> {
          g.writeStartObject();
          g.writeNumberField("window_seconds", OVERVIEW.toSeconds());
          g.writeArrayFieldStart("models");
          for (TrafficHistory.ModelTotals t : totals) {
            g.writeStartObject();
            g.writeStringField("model", t.model());
            g.writeNumberField("requests", t.requests());
            g.writeNumberField("errors", t.errors());
            g.writeNumberField("rps", round(t.requests() / seconds));
            g.writeNumberField(
                "error_rate", t.requests() == 0 ? 0.0 : round((double) t.errors() / t.requests()));
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  private void model(ServerRequest req, ServerResponse res) {
    String model = Names.model(req.path().pathParameters().get("m"));
    int seconds = seconds(req.query().first("seconds").orElse(null));
    TrafficHistory.ModelHistory h = history.history(model, Duration.ofSeconds(seconds));
    replies.send(
        res,
        200,
        g -> {
          g.writeStartObject();
          g.writeStringField("model", h.model());
          g.writeNumberField("step_seconds", TrafficHistory.STEP.toSeconds());
          g.writeStringField("end", h.end().toString());
          g.writeArrayFieldStart("series");
          for (TrafficHistory.VersionHistory v : h.versions()) {
            g.writeStartObject();
            g.writeNumberField("version", v.version());
            writeCounts(g, "requests", v.requests());
            writeCounts(g, "errors", v.errors());
            writeMeans(g, "p50_ms", v.p50Millis());
            writeMeans(g, "p99_ms", v.p99Millis());
            writeCounts(g, "shadow_compared", v.shadowCompared());
            writeCounts(g, "shadow_agreed", v.shadowAgreed());
            g.writeEndObject();
          }
          g.writeEndArray();
          writeMeans(g, "batch_rows", h.batchRows());
          g.writeEndObject();
        });
  }

  private static int seconds(String text) {
    if (text == null) {
      return DEFAULT_SECONDS;
    }
    try {
      int s = Integer.parseInt(text);
      if (s >= MIN_SECONDS && s <= MAX_SECONDS) {
        return s;
      }
    } catch (NumberFormatException e) {
      // falls through to the error below
    }
    throw JsonInput.invalid(
        "seconds",
        "'" + text + "' is not a whole number from " + MIN_SECONDS + " to " + MAX_SECONDS);
  }

  private static void writeCounts(JsonGenerator g, String field, long[] values) throws IOException {
    g.writeArrayFieldStart(field);
    for (long v : values) {
      g.writeNumber(v);
    }
    g.writeEndArray();
  }

  /** Numbers rounded to a thousandth; null where NaN says there was nothing to measure. */
  private static void writeMeans(JsonGenerator g, String field, double[] values)
      throws IOException {
    g.writeArrayFieldStart(field);
    for (double v : values) {
      if (Double.isNaN(v)) {
        g.writeNull();
      } else {
        g.writeNumber(round(v));
      }
    }
    g.writeEndArray();
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
