package io.canopy.common.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;

class TraceLogFormatterTest {

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

  private static LogRecord record() {
    LogRecord r = new LogRecord(Level.WARNING, "model {0} failed to load");
    r.setParameters(new Object[] {"churn"});
    r.setLoggerName("io.canopy.serving.model.ModelManager");
    r.setThrown(new IllegalStateException("boom"));
    return r;
  }

  @Test
  void format_outsideATrace_isSimpleFormattersLine() {
    LogRecord r = record();
    assertThat(new TraceLogFormatter().format(r)).isEqualTo(new SimpleFormatter().format(r));
  }

  @Test
  void format_insideATrace_endsTheMessageWithTheTraceId() {
    Span span =
        Span.wrap(
            SpanContext.create(
                TRACE_ID, "00f067aa0ba902b7", TraceFlags.getSampled(), TraceState.getDefault()));
    LogRecord r = record();
    String line;
    try (Scope ignored = span.makeCurrent()) {
      line = new TraceLogFormatter().format(r);
    }
    String plain = new SimpleFormatter().format(r);
    String message = "model churn failed to load";
    assertThat(line).contains(message + " trace=" + TRACE_ID);
    // Everything else as it was: the line with the suffix removed is the plain line.
    assertThat(line.replace(" trace=" + TRACE_ID, "")).isEqualTo(plain);
    assertThat(line).contains("IllegalStateException: boom");
  }
}
