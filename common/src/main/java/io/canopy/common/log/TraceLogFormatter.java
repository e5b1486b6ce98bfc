package io.canopy.common.log;

import io.canopy.common.tracing.Spans;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

/**
 * The format of every Canopy log line ({@code java.util.logging.SimpleFormatter.format} in {@code
 * logging.properties}), with {@code trace=<trace id>} after the message when the line is logged
 * inside a traced call, so a log line leads to its trace and a trace to its log lines. Lines
 * outside a trace are exactly what {@link SimpleFormatter} writes.
 */
public final class TraceLogFormatter extends SimpleFormatter {

  @Override
  public String format(LogRecord record) {
    SpanContext span = Span.fromContext(Spans.current()).getSpanContext();
    if (!span.isValid()) {
      return super.format(record);
    }
    // A copy: the record is shared with every other handler, which must not see the suffix.
    LogRecord traced =
        new LogRecord(record.getLevel(), formatMessage(record) + " trace=" + span.getTraceId());
    traced.setInstant(record.getInstant());
    traced.setLoggerName(record.getLoggerName());
    traced.setSourceClassName(record.getSourceClassName());
    traced.setSourceMethodName(record.getSourceMethodName());
    traced.setSequenceNumber(record.getSequenceNumber());
    traced.setLongThreadID(record.getLongThreadID());
    traced.setThrown(record.getThrown());
    return super.format(traced);
  }
}
