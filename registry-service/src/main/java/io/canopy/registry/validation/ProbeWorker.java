package io.canopy.registry.validation;

import io.canopy.proto.registry.v1.ModelFormat;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.VersionState;
import java.io.BufferedReader;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * One warm validation child ({@code ModelProbe --serve}) with a private scratch directory. It
 * validates one model at a time: the path goes down stdin (length-prefixed), the result comes back
 * as a marker line on stdout (anything else a native library prints there is skipped). A child that
 * crashes, times out or stops making sense is killed and marked {@link #broken()}.
 */
final class ProbeWorker implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ProbeWorker.class.getName());

  private final Process process;
  private final DataOutputStream requests;
  private final BufferedReader replies;
  private final Path scratch;
  private final ProbeCommand command;
  private final ExecutorService readers;
  private int uses;
  private boolean broken;
  private boolean timedOut;

  private ProbeWorker(
      Process process, Path scratch, ProbeCommand command, ExecutorService readers) {
    this.process = process;
    this.scratch = scratch;
    this.command = command;
    this.readers = readers;
    this.requests = new DataOutputStream(process.getOutputStream());
    this.replies =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  /**
   * Starts a child and waits (up to {@code startTimeout}) for its ready line, so start-up never
   * counts against a model's validation time.
   *
   * @throws IOException if the child cannot start or does not become ready
   */
  static ProbeWorker start(
      ProbeCommand command, Path scratchRoot, ExecutorService readers, Duration startTimeout)
      throws IOException, InterruptedException {
    Path scratch = Files.createTempDirectory(Files.createDirectories(scratchRoot), "probe-");
    ProcessBuilder builder =
        new ProcessBuilder(command.serveCommand(scratch))
            .directory(scratch.toFile())
            .redirectError(scratch.resolve("stderr").toFile());
    builder.environment().put("OMP_NUM_THREADS", "1");
    builder.environment().put("MALLOC_ARENA_MAX", "2"); // fewer malloc arenas: less address space
    ProbeWorker worker = new ProbeWorker(builder.start(), scratch, command, readers);
    Optional<ModelVersion> ready = worker.await(startTimeout, true);
    if (worker.broken || ready.isEmpty()) {
      String why = ChildFailures.died(worker.exitStatus(), scratch, command).getFailureReason();
      worker.close();
      throw new IOException("the validation child did not start: " + why);
    }
    return worker;
  }

  /** Validates {@code file}; marks this worker broken when the child failed to answer. */
  ModelVersion validate(Path file, ModelFormat format, Duration timeout)
      throws IOException, InterruptedException {
    // XGBoost picks its parser from the file name, so give it one that matches the format.
    Path model = scratch.resolve("model-" + (++uses) + "." + ModelFormats.extension(format));
    Files.createSymbolicLink(model, file.toAbsolutePath());
    try {
      byte[] path = model.toString().getBytes(StandardCharsets.UTF_8);
      try {
        requests.writeInt(path.length);
        requests.write(path);
        requests.flush();
      } catch (IOException e) {
        broken = true; // the child is gone; why is answered below
      }
      Optional<ModelVersion> reply = broken ? Optional.empty() : await(timeout, false);
      if (reply.isPresent()) {
        VersionState state = reply.get().getState();
        if (state == VersionState.VERSION_STATE_READY
            || state == VersionState.VERSION_STATE_FAILED) {
          return reply.get();
        }
      }
      if (timedOut) {
        return ChildFailures.timedOut(timeout);
      }
      broken = true;
      return ChildFailures.died(exitStatus(), scratch, command);
    } finally {
      Files.deleteIfExists(model);
    }
  }

  /** The next marker line (ready or a result); empty on EOF, timeout or garbage. */
  private Optional<ModelVersion> await(Duration timeout, boolean ready)
      throws InterruptedException {
    Future<Optional<ModelVersion>> line = readers.submit(() -> readLine(ready));
    try {
      return line.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      timedOut = true;
      broken = true;
      kill();
      return Optional.empty();
    } catch (ExecutionException e) {
      broken = true;
      return Optional.empty();
    } catch (InterruptedException e) {
      broken = true;
      kill();
      throw e;
    }
  }

  private Optional<ModelVersion> readLine(boolean ready) throws IOException {
    for (String line; (line = replies.readLine()) != null; ) {
      if (ready && line.startsWith(ProbeOutput.READY)) {
        return Optional.of(ModelVersion.getDefaultInstance());
      }
      if (!ready && line.contains(ProbeOutput.MARKER)) {
        Optional<ModelVersion> result = ProbeOutput.decode(line);
        if (result.isEmpty()) {
          broken = true;
        }
        return result;
      }
    }
    return Optional.empty(); // EOF: the child died
  }

  private int exitStatus() throws InterruptedException {
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      kill();
    }
    return process.exitValue();
  }

  /** True when this child must not be used again. */
  boolean broken() {
    return broken;
  }

  int uses() {
    return uses;
  }

  private void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      LOG.warning("validation child " + process.pid() + " did not exit after SIGKILL");
    }
  }

  /** Ends the child (closing stdin lets a healthy one exit by itself) and removes its files. */
  @Override
  public void close() {
    try {
      requests.close();
    } catch (IOException e) {
      // already gone
    }
    process.destroyForcibly();
    Scratch.delete(scratch);
  }
}
