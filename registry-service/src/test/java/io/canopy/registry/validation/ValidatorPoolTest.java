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

    java.util.List<Long> nativeBytes = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ModelVersion v = p.validate(model, ModelFormat.MODEL_FORMAT_UBJ);
      assertThat(v.getState()).isEqualTo(VersionState.VERSION_STATE_READY);
      nativeBytes.add(v.getNativeBytes());
    }

    assertThat(p.idleChildren()).isEqualTo(1);
    // The measure of a warm child does not drift with what earlier validations left behind.
    assertThat(nativeBytes).allSatisfy(b -> assertThat(b).isPositive());
    assertThat(java.util.Collections.max(nativeBytes))
        .isLessThanOrEqualTo(java.util.Collections.min(nativeBytes) * 6 / 5);
  }

  @Test
  void validate_nativeBytes_measuredPerModel_biggerForABiggerForest() throws Exception {
    ValidatorPool p = pool(Duration.ofSeconds(60));
    ModelVersion small =
        p.validate(write("s.part", Fixtures.bytes(Fixtures.UBJ)), ModelFormat.MODEL_FORMAT_UBJ);
    ModelVersion big =
        p.validate(
            write("b.part", Fixtures.bytes(Fixtures.DIABETES)), ModelFormat.MODEL_FORMAT_UBJ);

    assertThat(small.getNativeBytes()).isPositive();
    assertThat(big.getNativeBytes()).isGreaterThan(small.getNativeBytes());
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

  @Test
  void validate_lightGbmMulticlass_readyWithItsFacts() throws Exception {
    String text;
    try (io.canopy.lightgbm.Trained trained =
        io.canopy.lightgbm.Trained.train(
            "multiclass3", "objective=multiclass num_class=3 num_leaves=7", 600, 5, 1)) {
      text = trained.text;
    }
    ModelVersion v =
        pool(Duration.ofSeconds(60))
            .validate(
                write("m.part", text.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                ModelFormat.MODEL_FORMAT_LIGHTGBM);

    assertThat(v.getFailureReason()).isEmpty();
    assertThat(v.getState()).isEqualTo(VersionState.VERSION_STATE_READY);
    assertThat(v.getObjective()).isEqualTo("multiclass");
    assertThat(v.getNumFeatures()).isEqualTo(6);
    assertThat(v.getFeatureNamesList()).containsExactly("f0", "f1", "f2", "f3", "f4", "f5");
    assertThat(v.getNumTrees()).isEqualTo(15);
    assertThat(v.getNumClasses()).isEqualTo(3);
    assertThat(v.getNativeBytes()).isPositive();
  }

  @Test
  void validate_lightGbmHostileOrUnsupported_failedWithTheReason_andTheChildStays()
      throws Exception {
    String text;
    try (io.canopy.lightgbm.Trained trained =
        io.canopy.lightgbm.Trained.train("binary", "objective=binary num_leaves=7", 300, 3, 1)) {
      text = trained.text;
    }
    ValidatorPool p = pool(Duration.ofSeconds(60));
    java.util.function.Function<String, ModelVersion> validate =
        t -> {
          try {
            return p.validate(
                write("m.part", t.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                ModelFormat.MODEL_FORMAT_LIGHTGBM);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        };

    ModelVersion outOfRange =
        validate.apply(text.replaceFirst("split_feature=\\d+", "split_feature=77"));
    ModelVersion truncated = validate.apply(text.substring(0, text.indexOf("Tree=2")));
    ModelVersion custom =
        validate.apply(text.replaceFirst("objective=binary sigmoid:1", "objective=custom"));

    assertThat(outOfRange.getState()).isEqualTo(VersionState.VERSION_STATE_FAILED);
    assertThat(outOfRange.getFailureReason())
        .contains("LightGBM model is malformed")
        .contains("Tree=0 split_feature");
    assertThat(truncated.getFailureReason()).contains("truncated");
    assertThat(custom.getFailureReason()).contains("objective 'custom' is not supported");
    assertThat(p.idleChildren()).isEqualTo(1); // refused before LightGBM saw them
  }

  @Test
  void validate_lightGbmLinearTrees_ready_andALeafModelPastTheFeaturesFailed() throws Exception {
    String text;
    try (io.canopy.lightgbm.Trained trained =
        io.canopy.lightgbm.Trained.train(
            "regression", "objective=regression linear_tree=true num_leaves=4", 500, 3, 5)) {
      text = trained.text;
    }
    ValidatorPool p = pool(Duration.ofSeconds(60));
    ModelVersion linear =
        p.validate(
            write("m.part", text.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
            ModelFormat.MODEL_FORMAT_LIGHTGBM);
    String hostile = text.replaceFirst("(\\nleaf_features=\\s*)\\d+", "$19999");
    ModelVersion pastTheFeatures =
        p.validate(
            write("n.part", hostile.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
            ModelFormat.MODEL_FORMAT_LIGHTGBM);

    assertThat(linear.getFailureReason()).isEmpty();
    assertThat(linear.getState()).isEqualTo(VersionState.VERSION_STATE_READY);
    assertThat(hostile).isNotEqualTo(text);
    assertThat(pastTheFeatures.getState()).isEqualTo(VersionState.VERSION_STATE_FAILED);
    assertThat(pastTheFeatures.getFailureReason()).contains("leaf_features").contains("9999");
    assertThat(p.idleChildren()).isEqualTo(1);
  }

  @Test
  void anIdleChild_isStoppedAfterTheIdleTimeout_andTheNextValidationStartsAnother()
      throws Exception {
    pool =
        new ValidatorPool(
            ProbeCommand.currentJvm(256, 1024),
            dir.resolve("scratch"),
            Duration.ofSeconds(60),
            2,
            Duration.ofMillis(400));
    Path model = write("m.part", Fixtures.bytes(Fixtures.DIABETES));
    long cold = System.nanoTime();
    assertThat(pool.validate(model, ModelFormat.MODEL_FORMAT_UBJ).getState())
        .isEqualTo(VersionState.VERSION_STATE_READY);
    cold = System.nanoTime() - cold;
    long warm = System.nanoTime();
    assertThat(pool.validate(model, ModelFormat.MODEL_FORMAT_UBJ).getState())
        .isEqualTo(VersionState.VERSION_STATE_READY);
    warm = System.nanoTime() - warm;
    assertThat(pool.idleChildren()).isEqualTo(1);
    System.out.printf(
        "VALIDATION cold (child started) %d ms, warm %d ms%n", cold / 1_000_000, warm / 1_000_000);

    io.canopy.common.testing.Await.until(
        "the idle child stopped", Duration.ofSeconds(10), () -> pool.idleChildren() == 0);
    assertThat(pool.validate(model, ModelFormat.MODEL_FORMAT_UBJ).getState())
        .isEqualTo(VersionState.VERSION_STATE_READY);
  }
}
