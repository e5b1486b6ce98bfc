package io.canopy.registry.validation;

import io.canopy.proto.registry.v1.ModelFormat;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.VersionState;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Validates each model in a fresh child JVM ({@link ModelProbe}) with a heap cap and a time cap:
 * the child is killed when time runs out, and a crash (SIGSEGV in the native loader), an
 * out-of-memory exit or unreadable output all become FAILED with a reason. One child per
 * validation; a pool of warm children can replace this behind {@link ModelValidator}.
 */
public final class ChildProcessValidator implements ModelValidator {

  private static final Logger LOG = Logger.getLogger(ChildProcessValidator.class.getName());

  /** HotSpot's exit status under -XX:+ExitOnOutOfMemoryError. */
  private static final int OUT_OF_MEMORY_EXIT = 3;

  private static final int MAX_STDOUT_BYTES = 1 << 20;

  /** "#  SIGSEGV (0xb) at pc=…" in a HotSpot error report. */
  private static final Pattern CRASH_SIGNAL = Pattern.compile("#\\s+(SIG[A-Z]+) \\(0x");

  private final ProbeCommand command;
  private final Path scratchRoot;
  private final Duration timeout;

  /**
   * @param command how to start the child
   * @param scratchRoot where each validation gets its private directory (deleted afterwards)
   * @param timeout wall-clock cap per validation
   */
  public ChildProcessValidator(ProbeCommand command, Path scratchRoot, Duration timeout) {
    this.command = command;
    // Absolute: the child runs with its scratch dir as working directory.
    this.scratchRoot = scratchRoot.toAbsolutePath();
    this.timeout = timeout;
  }

  @Override
  public ModelVersion validate(Path file, ModelFormat format) throws InterruptedException {
    Path scratch = null;
    try {
      scratch = Files.createTempDirectory(Files.createDirectories(scratchRoot), "validate-");
      // XGBoost picks its parser from the file name, so give it one that matches the format.
      Path model = scratch.resolve("model." + ModelFormats.extension(format));
      Files.createSymbolicLink(model, file.toAbsolutePath());
      return run(model, scratch);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start model validation: " + e.getMessage(), e);
    } finally {
      deleteQuietly(scratch);
    }
  }

  private ModelVersion run(Path model, Path scratch) throws IOException, InterruptedException {
    Path stdout = scratch.resolve("stdout");
    Path stderr = scratch.resolve("stderr");
    ProcessBuilder builder =
        new ProcessBuilder(command.command(model, scratch))
            .directory(scratch.toFile())
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile());
    builder.environment().put("OMP_NUM_THREADS", "1");
    Process child = builder.start();
    try {
      child.getOutputStream().close(); // the probe reads nothing from stdin
      if (!child.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        kill(child);
        return failed("validation did not finish within " + describe(timeout));
      }
    } catch (InterruptedException | IOException e) {
      kill(child);
      throw e;
    }
    int exit = child.exitValue();
    if (exit == 0) {
      ModelVersion result = ProbeOutput.decode(readBounded(stdout)).orElse(null);
      if (result != null
          && (result.getState() == VersionState.VERSION_STATE_READY
              || result.getState() == VersionState.VERSION_STATE_FAILED)) {
        return result;
      }
    }
    logChildFailure(exit, stderr);
    // HotSpot's crash handler writes an error report, then exits with status 1 when core
    // dumps are off; the report is the reliable sign of a native crash, and names the signal.
    Optional<String> crash = crashSignal(scratch);
    if (crash.isPresent()) {
      return failed(
          "the validation process crashed (" + crash.get() + ") while loading the model:"
              + " the file is corrupt or not a model XGBoost can load");
    }
    if (exit == 0) {
      return failed("the validation process returned no result");
    }
    if (exit == OUT_OF_MEMORY_EXIT) {
      return failed(
          "validation ran out of memory (heap cap " + command.maxHeapMb() + " MiB)");
    }
    if (exit > 128) {
      return failed(
          "the validation process was killed by signal " + (exit - 128)
              + " while loading the model");
    }
    return failed("the validation process failed with exit code " + exit);
  }

  /** The signal named in a HotSpot error report in {@code scratch}, if the child crashed. */
  private static Optional<String> crashSignal(Path scratch) throws IOException {
    try (Stream<Path> files = Files.list(scratch)) {
      Optional<Path> report =
          files.filter(p -> p.getFileName().toString().startsWith("hs_err")).findFirst();
      if (report.isEmpty()) {
        return Optional.empty();
      }
      String text = readBounded(report.get());
      LOG.warning(
          "model validation child crashed; its error report begins:\n"
              + text.substring(0, Math.min(text.length(), 1500)));
      Matcher m = CRASH_SIGNAL.matcher(text);
      return Optional.of(m.find() ? m.group(1) : "fatal error");
    }
  }

  private static void kill(Process child) throws InterruptedException {
    child.destroyForcibly();
    if (!child.waitFor(10, TimeUnit.SECONDS)) {
      LOG.warning("validation child " + child.pid() + " did not exit after SIGKILL");
    }
  }

  private static String readBounded(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return new String(in.readNBytes(MAX_STDOUT_BYTES), StandardCharsets.UTF_8);
    }
  }

  private static void logChildFailure(int exit, Path stderr) {
    if (LOG.isLoggable(Level.INFO)) {
      String tail;
      try {
        String text = readBounded(stderr);
        tail = text.substring(Math.max(0, text.length() - 2000));
      } catch (IOException e) {
        tail = "(stderr unreadable: " + e.getMessage() + ")";
      }
      LOG.info("model validation child exited with " + exit + "; stderr tail:\n" + tail);
    }
  }

  private static String describe(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  private static ModelVersion failed(String reason) {
    return ModelVersion.newBuilder()
        .setState(VersionState.VERSION_STATE_FAILED)
        .setFailureReason(reason)
        .build();
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(ChildProcessValidator::deleteOne);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "cannot clean up " + dir, e);
    }
  }

  private static void deleteOne(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "cannot delete " + p, e);
    }
  }

  @Override
  public void close() {
    // Nothing persistent: each validation's child is gone when validate returns.
  }
}
