package io.canopy.registry.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.testing.ProcessSuite;
import io.canopy.proto.registry.v1.ModelFormat;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.VersionState;
import io.canopy.registry.Fixtures;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A warm validation child that dies in the middle of a validation, by a native crash (SIGSEGV,
 * which HotSpot answers with an error report) or killed outright (SIGKILL). The model is a named
 * pipe: once the test's open of its writing end returns, the child has opened the model inside its
 * probe and waits for bytes, so the signal always lands mid-validation.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@ProcessSuite
class ChildDeathTest {

  /** Bound on every wait; the pool's own time cap is the same. */
  private static final Duration BOUND = Duration.ofSeconds(60);

  @TempDir Path dir;
  private ValidatorPool pool;
  private final ExecutorService background = Executors.newCachedThreadPool();

  @AfterEach
  void close() {
    if (pool != null) {
      pool.close();
    }
    background.shutdownNow();
  }

  @ParameterizedTest
  @CsvSource({
    "SEGV, the validation process crashed (SIGSEGV sent by kill) while loading the model",
    "KILL, the validation process was killed by signal 9 while loading the model"
  })
  void validate_childDiesMidValidation_failedSayingSo_andAFreshChildValidatesTheNextModel(
      String signal, String reason) throws Exception {
    Path scratch = dir.resolve("scratch");
    // Under an address-space cap, as in production: the child is started through prlimit.
    pool = new ValidatorPool(ProbeCommand.currentJvm(256, 1024), scratch, BOUND, 1);
    Path good = Files.write(dir.resolve("good.part"), Fixtures.bytes(Fixtures.UBJ));
    assertThat(pool.validate(good, ModelFormat.MODEL_FORMAT_UBJ).getState())
        .isEqualTo(VersionState.VERSION_STATE_READY);
    ProcessHandle warm = onlyChild(scratch);
    Path pipe = dir.resolve("stalls.part");
    run("mkfifo", pipe.toString());

    Future<ModelVersion> stalled =
        background.submit(() -> pool.validate(pipe, ModelFormat.MODEL_FORMAT_UBJ));
    ModelVersion died;
    try (OutputStream unused = openOnceTheChildReads(pipe)) {
      assertThat(onlyChild(scratch).pid()).isEqualTo(warm.pid());
      run("kill", "-s", signal, Long.toString(warm.pid()));
      died = stalled.get(BOUND.toSeconds(), TimeUnit.SECONDS);
    }

    assertThat(died.getState()).isEqualTo(VersionState.VERSION_STATE_FAILED);
    assertThat(died.getFailureReason()).isEqualTo(reason);
    assertThat(warm.isAlive()).isFalse();
    assertThat(pool.idleChildren()).isZero();
    try (Stream<Path> left = Files.list(scratch)) {
      assertThat(left).as("the dead child's scratch directory and crash report").isEmpty();
    }

    assertThat(pool.validate(good, ModelFormat.MODEL_FORMAT_UBJ).getState())
        .isEqualTo(VersionState.VERSION_STATE_READY);
    assertThat(pool.idleChildren()).isEqualTo(1);
    assertThat(onlyChild(scratch).pid()).isNotEqualTo(warm.pid());
  }

  /**
   * The one live validation child of the pool working under {@code scratch}. Looks at every
   * descendant, not only direct children (a launcher such as prlimit may stand between this JVM and
   * the child's), and matches its arguments in /proc: ProcessHandle.Info cuts long command lines
   * short, before the main class.
   */
  private static ProcessHandle onlyChild(Path scratch) {
    List<ProcessHandle> children =
        ProcessHandle.current().descendants().filter(p -> isChild(p, scratch)).toList();
    assertThat(children).as("validation children under " + scratch).hasSize(1);
    return children.get(0);
  }

  private static boolean isChild(ProcessHandle process, Path scratch) {
    List<String> args;
    try {
      byte[] line = Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
      args = List.of(new String(line, StandardCharsets.UTF_8).split("\0"));
    } catch (IOException e) {
      return false; // it has just ended
    }
    return process.isAlive()
        && args.contains(ProbeCommand.MAIN_CLASS)
        && args.contains(ModelProbe.SERVE)
        && args.stream().anyMatch(a -> a.startsWith("-Djava.io.tmpdir=" + scratch + "/"));
  }

  /**
   * Opens the writing end of {@code pipe}, which blocks until the child opens it to read. If the
   * child never does, a read-side open here releases the blocked one and the test fails.
   */
  private OutputStream openOnceTheChildReads(Path pipe) throws Exception {
    Future<OutputStream> open = background.submit(() -> new FileOutputStream(pipe.toFile()));
    try {
      return open.get(BOUND.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      new FileInputStream(pipe.toFile()).close();
      open.get(BOUND.toSeconds(), TimeUnit.SECONDS).close();
      throw new AssertionError("the validation child never opened the model", e);
    }
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!p.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish");
    }
    assertThat(p.exitValue()).as(String.join(" ", command)).isZero();
  }
}
