package io.canopy.common.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class RateLimitedLogTest {

  private final List<String> lines = new ArrayList<>();
  private final Logger logger = Logger.getAnonymousLogger();
  private final AtomicLong now = new AtomicLong(1_000);

  RateLimitedLogTest() {
    logger.setUseParentHandlers(false);
    logger.addHandler(
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            lines.add(record.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        });
  }

  @Test
  void log_burstWithinInterval_firstLineOnlyThenCountOfTheRest() {
    RateLimitedLog log =
        new RateLimitedLog(logger, Level.WARNING, Duration.ofSeconds(10), now::get);

    for (int i = 0; i < 100; i++) {
      log.log("bad bytes");
    }
    assertThat(lines).containsExactly("bad bytes");

    now.addAndGet(Duration.ofSeconds(10).toNanos());
    log.log("bad bytes");
    assertThat(lines).containsExactly("bad bytes", "bad bytes (99 more like it not logged)");
  }

  @Test
  void log_justBeforeIntervalEnds_stillSuppressed() {
    RateLimitedLog log =
        new RateLimitedLog(logger, Level.WARNING, Duration.ofSeconds(10), now::get);
    log.log("a");
    now.addAndGet(Duration.ofSeconds(10).toNanos() - 1);
    log.log("b");

    assertThat(lines).containsExactly("a");
  }
}
