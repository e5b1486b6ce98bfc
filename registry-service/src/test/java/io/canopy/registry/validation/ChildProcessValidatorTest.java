package io.canopy.registry.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.proto.registry.v1.ModelFormat;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.VersionState;
import io.canopy.registry.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The child-process validator on its own. Runs under Surefire, whose class path is a
 * manifest-only jar: the child must find its classes through it.
 */
class ChildProcessValidatorTest {

  @TempDir Path dir;

  private ChildProcessValidator validator(Duration timeout, int heapMb) {
    return new ChildProcessValidator(ProbeCommand.currentJvm(heapMb), dir.resolve("scratch"), timeout);
  }

  private Path write(String name, byte[] bytes) throws Exception {
    return Files.write(dir.resolve(name), bytes);
  }

  @Test
  void validate_regressionModel_readyWithItsFacts() throws Exception {
    ModelVersion v =
        validator(Duration.ofSeconds(60), 256)
            .validate(write("m.part", Fixtures.bytes(Fixtures.DIABETES)), ModelFormat.MODEL_FORMAT_UBJ);

    assertThat(v.getState()).isEqualTo(VersionState.VERSION_STATE_READY);
    assertThat(v.getObjective()).isEqualTo("reg:squarederror");
    assertThat(v.getNumFeatures()).isEqualTo(10);
    assertThat(v.getFeatureNamesList())
        .containsExactly("age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6");
    assertThat(v.getNumTrees()).isEqualTo(200);
    assertThat(v.getNumClasses()).isZero();
  }

  @Test
  void validate_nativeCrash_failedAndScratchRemoved() throws Exception {
    ModelVersion v =
        validator(Duration.ofSeconds(60), 256)
            .validate(
                write("m.part", Fixtures.flipped(Fixtures.CRASHING_OFFSET)),
                ModelFormat.MODEL_FORMAT_UBJ);

    assertThat(v.getState()).isEqualTo(VersionState.VERSION_STATE_FAILED);
    assertThat(v.getFailureReason()).contains("SIGSEGV");
    try (Stream<Path> left = Files.list(dir.resolve("scratch"))) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void validate_wrongFormatForTheBytes_failedNotCrashed() throws Exception {
    ModelVersion v =
        validator(Duration.ofSeconds(60), 256)
            .validate(write("m.part", Fixtures.bytes(Fixtures.UBJ)), ModelFormat.MODEL_FORMAT_JSON);

    assertThat(v.getState()).isEqualTo(VersionState.VERSION_STATE_FAILED);
  }
}
