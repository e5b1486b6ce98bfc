package io.canopy.common.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that records every JUL log record of a test, at every level, as the text a log
 * file would hold (message with its parameters, and stack traces). For tests asserting that a
 * secret never reaches a log. Use with {@code @RegisterExtension final LogCapture logs = new
 * LogCapture();}.
 */
public final class LogCapture implements BeforeEachCallback, AfterEachCallback {

  private final List<String> lines = new ArrayList<>();
  private final SimpleFormatter formatter = new SimpleFormatter();
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          StringBuilder text = new StringBuilder(formatter.format(record));
          if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            text.append(trace);
          }
          synchronized (lines) {
            lines.add(text.toString());
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  // Held strongly: JUL keeps loggers weakly, and a collected one would lose its level.
  private final Logger root = Logger.getLogger("");
  private final Logger canopy = Logger.getLogger("io.canopy");
  private final Map<Handler, Level> otherHandlers = new HashMap<>();
  private Level rootLevel;
  private Level canopyLevel;

  @Override
  public void beforeEach(ExtensionContext context) {
    rootLevel = root.getLevel();
    canopyLevel = canopy.getLevel();
    // The console keeps printing what it printed before; only this handler sees everything.
    Level before = rootLevel == null ? Level.INFO : rootLevel;
    for (Handler other : root.getHandlers()) {
      otherHandlers.put(other, other.getLevel());
      if (other.getLevel().intValue() < before.intValue()) {
        other.setLevel(before);
      }
    }
    handler.setLevel(Level.ALL);
    root.setLevel(Level.ALL);
    canopy.setLevel(Level.ALL);
    root.addHandler(handler);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    root.removeHandler(handler);
    root.setLevel(rootLevel);
    canopy.setLevel(canopyLevel);
    otherHandlers.forEach(Handler::setLevel);
    otherHandlers.clear();
  }

  /** Everything logged so far, one record after another. */
  public String text() {
    synchronized (lines) {
      return String.join("", lines);
    }
  }

  /** Each record captured so far, as a log file would hold it (stack trace included). */
  public List<String> records() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  /** How many records were captured (a test checks it saw some, so it could have failed). */
  public int count() {
    synchronized (lines) {
      return lines.size();
    }
  }
}
