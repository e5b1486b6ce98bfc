package io.canopy.registry.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.testing.ProcessSuite;
import io.canopy.proto.registry.v1.ModelFormat;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.VersionState;
import io.canopy.registry.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pool of warm validation children on its own. Runs under Surefire, whose class path is a
 * manifest-only jar: the children must find their classes through it.
 */
@ProcessSuite
class ValidatorPoolTest {

  @TempDir Path dir;
  private ValidatorPool pool;

  private ValidatorPool pool(Duration timeout) {
    pool =
        new ValidatorPool(ProbeCommand.currentJvm(256, 1024), dir.resolve("scratch"), timeout, 2);
    return pool;
  }

  @AfterEach
  void close() {
    if (pool != null) {
      pool.close();
    }
  }

  private Path write(String name, byte[] bytes) throws Exception {
    return Files.write(dir.resolve(name), bytes);
  }

  @Test
  void validate_regressionModel_readyWithItsFacts() throws Exception {
    ModelVersion v =
        pool(Duration.ofSeconds(60))
            .validate(
                write("m.part", Fixtures.bytes(Fixtures.DIABETES)), ModelFormat.MODEL_FORMAT_UBJ);

    assertThat(v.getState()).isEqualTo(VersionState.VERSION_STATE_READY);
    assertThat(v.getObjective()).isEqualTo("reg:squarederror");
    assertThat(v.getNumFeatures()).isEqualTo(10);
    assertThat(v.getFeatureNamesList())
        .containsExactly("age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6");
    assertThat(v.getNumTrees()).isEqualTo(200);
    assertThat(v.getNumClasses()).isZero();
  }

  @Test
  void validate_severalModels_oneWarmChildReused() throws Exception {
    ValidatorPool p = pool(Duration.ofSeconds(60));
    Path model = write("m.part", Fixtures.bytes(Fixtures.UBJ));

    for (int i = 0; i < 3; i++) {
      assertThat(p.validate(model, ModelFormat.MODEL_FORMAT_UBJ).getState())
          .isEqualTo(VersionState.VERSION_STATE_READY);
    }

    assertThat(p.idleChildren()).isEqualTo(1);
  }

  @Test
  void validate_bytesThatCrashXGBoost_failedBeforeXGBoostSeesThem_andTheChildStays()
      throws Exception {
    ValidatorPool p = pool(Duration.ofSeconds(60));

    ModelVersion refused =
        p.validate(
            write("bad.part", Fixtures.flipped(Fixtures.CRASHING_OFFSET)),
            ModelFormat.MODEL_FORMAT_UBJ);

    assertThat(refused.getState()).isEqualTo(VersionState.VERSION_STATE_FAILED);
    assertThat(refused.getFailureReason()).startsWith("the model file cannot be read: ");
    assertThat(p.idleChildren()).isEqualTo(1);
  }

  @Test
  void validate_timeOut_failedAndChildReplaced() throws Exception {
    ValidatorPool p = pool(Duration.ofMillis(1));

    ModelVersion v =
        p.validate(
            write("m.part", Fixtures.bytes(Fixtures.DIABETES)), ModelFormat.MODEL_FORMAT_UBJ);

    assertThat(v.getState()).isEqualTo(VersionState.VERSION_STATE_FAILED);
    assertThat(v.getFailureReason()).contains("1ms");
    assertThat(p.idleChildren()).isZero();
  }

  @Test
  void validate_wrongFormatForTheBytes_failedAndTheChildStaysInService() throws Exception {
    ValidatorPool p = pool(Duration.ofSeconds(60));

    ModelVersion v =
        p.validate(write("m.part", Fixtures.bytes(Fixtures.UBJ)), ModelFormat.MODEL_FORMAT_JSON);

    assertThat(v.getState()).isEqualTo(VersionState.VERSION_STATE_FAILED);
    assertThat(p.idleChildren()).isEqualTo(1);
  }

  @Test
  void close_endsChildrenAndRemovesTheirScratch() throws Exception {
    ValidatorPool p = pool(Duration.ofSeconds(60));
    p.validate(write("m.part", Fixtures.bytes(Fixtures.UBJ)), ModelFormat.MODEL_FORMAT_UBJ);

    p.close();

    try (Stream<Path> left = Files.list(dir.resolve("scratch"))) {
      assertThat(left).isEmpty();
    }
  }
}
