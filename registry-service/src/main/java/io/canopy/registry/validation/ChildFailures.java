package io.canopy.registry.validation;

import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.VersionState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Turns the way a validation child died into a FAILED version with a reason for people. */
final class ChildFailures {

  private static final Logger LOG = Logger.getLogger(ChildFailures.class.getName());

  /** HotSpot's exit status under -XX:+ExitOnOutOfMemoryError. */
  private static final int OUT_OF_MEMORY_EXIT = 3;

  private static final int MAX_READ_BYTES = 1 << 20;

  /** What crashSignal reports when HotSpot's report says native memory ran out. */
  private static final String NATIVE_OOM = "native out of memory";

  /** "# SIGSEGV (0xb) at pc=…" in a HotSpot error report. */
  private static final Pattern CRASH_SIGNAL = Pattern.compile("#\\s+(SIG[A-Z]+) \\(0x");

  /** HotSpot's note on that line when the signal was sent by kill(), not raised by a fault. */
  private static final String KILL_NOTE = "(sent by kill)";

  /** What crashSignal then adds to the signal's name: the model is not to blame. */
  private static final String BY_KILL = " sent by kill";

  private ChildFailures() {}

  static ModelVersion timedOut(Duration timeout) {
    String text =
        timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + "s" : timeout.toMillis() + "ms";
    return failed("validation did not finish within " + text);
  }

  /**
   * Why a child with exit status {@code exit} died without answering. HotSpot's crash handler
   * writes an error report into {@code scratch}, then exits with status 1 when core dumps are off:
   * the report is the reliable sign of a native crash, and names the signal.
   */
  static ModelVersion died(int exit, Path scratch, ProbeCommand command) {
    logStderr(exit, scratch.resolve("stderr"));
    Optional<String> crash = crashSignal(scratch);
    if (crash.isPresent() && crash.get().equals(NATIVE_OOM)) {
      return failed(
          "validation ran out of native memory (address-space cap "
              + command.maxAddressSpaceMb()
              + " MiB)");
    }
    if (crash.isPresent() && crash.get().endsWith(BY_KILL)) {
      return failed("the validation process crashed (" + crash.get() + ") while loading the model");
    }
    if (crash.isPresent()) {
      return failed(
          "the validation process crashed ("
              + crash.get()
              + ") while loading the model:"
              + " the file is corrupt or not a model XGBoost can load");
    }
    if (exit == OUT_OF_MEMORY_EXIT) {
      return failed("validation ran out of memory (heap cap " + command.maxHeapMb() + " MiB)");
    }
    if (exit > 128) {
      return failed(
          "the validation process was killed by signal "
              + (exit - 128)
              + " while loading the model");
    }
    if (exit == 0) {
      return failed("the validation process returned no result");
    }
    if (command.maxAddressSpaceMb() > 0) {
      return failed(
          "the validation process failed with exit code "
              + exit
              + " (memory cap "
              + command.maxAddressSpaceMb()
              + " MiB may have been reached)");
    }
    return failed("the validation process failed with exit code " + exit);
  }

  private static Optional<String> crashSignal(Path scratch) {
    try (Stream<Path> files = Files.list(scratch)) {
      Optional<Path> report =
          files.filter(p -> p.getFileName().toString().startsWith("hs_err")).findFirst();
      if (report.isEmpty()) {
        return Optional.empty();
      }
      String text = read(report.get());
      LOG.warning(
          "model validation child crashed; its error report begins:\n"
              + text.substring(0, Math.min(text.length(), 1500)));
      Files.deleteIfExists(report.get());
      if (text.contains("insufficient memory for the Java Runtime")) {
        return Optional.of(NATIVE_OOM);
      }
      Matcher m = CRASH_SIGNAL.matcher(text);
      if (!m.find()) {
        return Optional.of("fatal error");
      }
      int lineEnd = text.indexOf('\n', m.end());
      String line = text.substring(m.end(), lineEnd < 0 ? text.length() : lineEnd);
      return Optional.of(m.group(1) + (line.contains(KILL_NOTE) ? BY_KILL : ""));
    } catch (IOException e) {
      LOG.log(Level.WARNING, "cannot read the crash report in " + scratch, e);
      return Optional.empty();
    }
  }

  private static void logStderr(int exit, Path stderr) {
    if (LOG.isLoggable(Level.INFO)) {
      String tail;
      try {
        String text = Files.exists(stderr) ? read(stderr) : "";
        tail = text.substring(Math.max(0, text.length() - 2000));
      } catch (IOException e) {
        tail = "(stderr unreadable: " + e.getMessage() + ")";
      }
      LOG.info("model validation child exited with " + exit + "; stderr tail:\n" + tail);
    }
  }

  private static String read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return new String(in.readNBytes(MAX_READ_BYTES), StandardCharsets.UTF_8);
    }
  }

  static ModelVersion failed(String reason) {
    return ModelVersion.newBuilder()
        .setState(VersionState.VERSION_STATE_FAILED)
        .setFailureReason(reason)
        .build();
  }
}
