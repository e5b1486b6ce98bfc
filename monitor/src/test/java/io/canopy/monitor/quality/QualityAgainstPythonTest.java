package io.canopy.monitor.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.canopy.common.testing.ProcessSuite;
import io.canopy.common.testing.Tools;
import io.canopy.monitor.store.MonitorStore;
import io.canopy.monitor.store.Records;
import io.canopy.monitor.store.StoreSettings;
import io.canopy.proto.monitor.v1.OutcomeRecord;
import io.canopy.proto.monitor.v1.PredictionRecord;
import io.canopy.proto.monitor.v1.QualityReport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitor's quality figures, computed through the store (records and outcomes written, joined,
 * scored), equal scikit-learn's and numpy's on the same rows within 1e-9.
 */
@ProcessSuite
class QualityAgainstPythonTest {

  private static final double TOLERANCE = 1e-9;
  private static final long NOW = 10_000_000;

  @TempDir static Path dir;
  private static JsonObject python;
  private static QualityReport binary;
  private static QualityReport multi;
  private static QualityReport regression;
  private static io.canopy.proto.monitor.v1.CompareVersionsResponse comparison;
  private static io.canopy.proto.monitor.v1.DriftReport drift;

  @BeforeAll
  static void computeBothWays() throws Exception {
    Tools.require(sklearnAvailable(), "python3 with scikit-learn and numpy (python3-sklearn)");
    Random random = new Random(7);
    List<PredictionRecord> records = new ArrayList<>();
    List<OutcomeRecord> outcomes = new ArrayList<>();
    StringBuilder csv = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      boolean positive = random.nextDouble() < 0.3;
      // Scores on a coarse grid so that ties between classes occur; better for positives.
      float p =
          (float)
              Math.min(
                  1,
                  Math.max(
                      0,
                      Math.round((random.nextGaussian() * 0.2 + (positive ? 0.6 : 0.4)) * 50)
                          / 50.0));
      String id = "b" + i;
      records.add(Records.prediction("bin", 1, id, NOW - 1000 - i, "binary:logistic", p));
      // A shadow version scoring the same requests, a little better.
      float shadow =
          (float)
              Math.min(
                  1,
                  Math.max(
                      0,
                      Math.round((random.nextGaussian() * 0.2 + (positive ? 0.65 : 0.35)) * 50)
                          / 50.0));
      records.add(
          Records.prediction("bin", 2, id, NOW - 1000 - i, "binary:logistic", shadow).toBuilder()
              .setShadow(true)
              .setRoute("shadow")
              .build());
      if (i % 10 != 0) { // every tenth prediction never gets an outcome
        outcomes.add(Records.label("bin", id, positive ? 1 : 0, NOW - 500));
        csv.append("binary,").append((double) p).append(',').append(positive ? 1 : 0).append('\n');
        csv.append("pair,")
            .append((double) p)
            .append(',')
            .append((double) shadow)
            .append(',')
            .append(positive ? 1 : 0)
            .append('\n');
      }
    }
    for (int i = 0; i < 1000; i++) {
      int label = random.nextInt(3);
      float[] probs = new float[3];
      float sum = 0;
      for (int c = 0; c < 3; c++) {
        probs[c] = (float) (random.nextDouble() + (c == label ? 0.8 : 0));
        sum += probs[c];
      }
      for (int c = 0; c < 3; c++) {
        probs[c] /= sum;
      }
      String id = "m" + i;
      records.add(Records.prediction("multi", 4, id, NOW - 1000, "multi:softprob", probs));
      outcomes.add(Records.label("multi", id, label, NOW - 500));
      csv.append("multi,")
          .append((double) probs[0])
          .append(',')
          .append((double) probs[1])
          .append(',')
          .append((double) probs[2])
          .append(',')
          .append(label)
          .append('\n');
    }
    for (int i = 0; i < 1000; i++) {
      double observed = random.nextGaussian() * 10 + 50;
      float predicted = (float) (observed + random.nextGaussian() * 3 + 0.5);
      String id = "r" + i;
      records.add(Records.prediction("reg", 2, id, NOW - 1000, "reg:squarederror", predicted));
      outcomes.add(Records.value("reg", id, observed, NOW - 500));
      csv.append("reg,").append((double) predicted).append(',').append(observed).append('\n');
    }
    // Drift: 1000 baseline rows, then 1500 live rows where a shifts, b's mix changes, c goes
    // missing more often, and the output moves.
    for (int i = 0; i < 2500; i++) {
      boolean live = i >= 1000;
      float a = (float) (live ? random.nextGaussian() * 1.2 + 0.5 : random.nextGaussian());
      float b = live ? random.nextInt(6) : random.nextInt(4);
      float c = random.nextDouble() < (live ? 0.3 : 0.1) ? Float.NaN : (float) random.nextDouble();
      float out = (float) (1 / (1 + Math.exp(-(a + (live ? 0.3 : 0)))));
      PredictionRecord r =
          Records.prediction("drift", 1, "d" + i, NOW - 100_000 + i * 10L, "binary:logistic", out);
      r = Records.withFeature(Records.withFeature(Records.withFeature(r, "a", a), "b", b), "c", c);
      records.add(r);
      csv.append(live ? "dlive," : "dbase,")
          .append((double) a)
          .append(',')
          .append((double) b)
          .append(',')
          .append(Float.isNaN(c) ? "nan" : Double.toString(c))
          .append(',')
          .append((double) out)
          .append('\n');
    }
    try (MonitorStore store = MonitorStore.open(StoreSettings.sqlite(dir.resolve("r.db")))) {
      store.addPredictions(records);
      store.addOutcomes(outcomes);
      QualityReports reports = new QualityReports(store, Duration.ofDays(7), 0.5, Long.MAX_VALUE);
      binary = reports.report("bin", 1, "1h", Duration.ofHours(1), NOW, List.of());
      multi = reports.report("multi", 4, "1h", Duration.ofHours(1), NOW, List.of());
      regression = reports.report("reg", 2, "1h", Duration.ofHours(1), NOW, List.of());
      drift =
          new io.canopy.monitor.drift.DriftReports(
                  store, 1000, Long.MAX_VALUE, io.canopy.monitor.drift.ReferenceSource.NONE)
              .report("drift", 1, "1h", Duration.ofHours(1), NOW);
      comparison =
          new Comparisons(store, Duration.ofDays(7), 100, Long.MAX_VALUE)
              .compare("bin", 1, 2, "1h", Duration.ofHours(1), NOW);
    }
    Path rows = dir.resolve("rows.csv");
    Files.writeString(rows, csv);
    Path script = dir.resolve("quality_reference.py");
    try (InputStream in =
        QualityAgainstPythonTest.class.getResourceAsStream("/quality_reference.py")) {
      Files.copy(in, script);
    }
    python =
        JsonParser.parseString(run("/usr/bin/python3", script.toString(), rows.toString()))
            .getAsJsonObject();
  }

  private static boolean sklearnAvailable() {
    try {
      run("/usr/bin/python3", "-c", "import sklearn, numpy");
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
    return out;
  }

  private static double py(String task, String metric) {
    return python.getAsJsonObject(task).get(metric).getAsDouble();
  }

  @Test
  void binary_equalsScikitLearn() {
    assertThat(binary.getPredictions()).isEqualTo(2000);
    assertThat(binary.getWithOutcome()).isEqualTo(1800);
    assertThat(binary.getOutcomeShare()).isEqualTo(0.9);
    var q = binary.getBinary();
    assertThat(q.getAuc()).isCloseTo(py("binary", "auc"), within(TOLERANCE));
    assertThat(q.getAuc()).isCloseTo(py("binary", "auc_delong"), within(TOLERANCE));
    assertThat(q.getAucLower()).isCloseTo(py("binary", "auc_lower"), within(TOLERANCE));
    assertThat(q.getAucUpper()).isCloseTo(py("binary", "auc_upper"), within(TOLERANCE));
    assertThat(q.getLogLoss()).isCloseTo(py("binary", "log_loss"), within(TOLERANCE));
    assertThat(q.getBrier()).isCloseTo(py("binary", "brier"), within(TOLERANCE));
    assertThat(q.getAccuracy()).isCloseTo(py("binary", "accuracy"), within(TOLERANCE));
    assertThat(q.getAucUpper() - q.getAucLower()).isBetween(0.01, 0.2);
    assertThat(q.getCalibrationList().stream().mapToLong(b -> b.getCount()).sum()).isEqualTo(1800);
  }

  @Test
  void shadowComparison_equalsPairedDeLongFromItsDefinition() {
    assertThat(comparison.getPaired()).isTrue();
    assertThat(comparison.getMetric()).isEqualTo("auc");
    assertThat(comparison.getChampionOutcomes()).isEqualTo(1800);
    assertThat(comparison.getDifference()).isCloseTo(py("pair", "difference"), within(TOLERANCE));
    assertThat(comparison.getLower()).isCloseTo(py("pair", "lower"), within(TOLERANCE));
    assertThat(comparison.getUpper()).isCloseTo(py("pair", "upper"), within(TOLERANCE));
    assertThat(comparison.getChampionValue()).isCloseTo(py("binary", "auc"), within(TOLERANCE));
    assertThat(comparison.getVerdict())
        .isEqualTo(io.canopy.proto.monitor.v1.Verdict.VERDICT_CHALLENGER_BETTER);
    assertThat(comparison.getSummary()).startsWith("v2 better: AUC +");
  }

  @Test
  void drift_equalsNumpyPerFeatureAndForTheOutput() {
    assertThat(drift.getBaselineRows()).isEqualTo(1000);
    assertThat(drift.getRows()).isEqualTo(1500);
    assertThat(drift.getNote()).isEmpty();
    assertThat(drift.getFeaturesList())
        .extracting(io.canopy.proto.monitor.v1.FeatureDrift::getFeature)
        .containsExactlyInAnyOrder("a", "b", "c");
    List<io.canopy.proto.monitor.v1.FeatureDrift> all = new ArrayList<>(drift.getFeaturesList());
    all.add(drift.getOutput());
    for (var f : all) {
      var expected = python.getAsJsonObject("drift").getAsJsonObject(f.getFeature());
      assertThat(f.getPsi())
          .as(f.getFeature())
          .isCloseTo(expected.get("psi").getAsDouble(), within(TOLERANCE));
      assertThat(f.getMissingShare())
          .isCloseTo(expected.get("missing_share").getAsDouble(), within(TOLERANCE));
      assertThat(f.getBaselineMissingShare())
          .isCloseTo(expected.get("baseline_missing_share").getAsDouble(), within(TOLERANCE));
      assertThat(f.getOutOfRangeShare())
          .isCloseTo(expected.get("out_of_range_share").getAsDouble(), within(TOLERANCE));
    }
    // Sorted by PSI, highest first; the shifted feature a drifts more than c.
    assertThat(drift.getFeatures(0).getPsi()).isGreaterThanOrEqualTo(drift.getFeatures(1).getPsi());
    assertThat(drift.getFeatures(0).getPsi()).isGreaterThan(0.1);
  }

  @Test
  void multiclass_equalsScikitLearnAndNumpy() {
    var q = multi.getMulticlass();
    assertThat(q.getClasses()).isEqualTo(3);
    assertThat(q.getAccuracy()).isCloseTo(py("multi", "accuracy"), within(TOLERANCE));
    assertThat(q.getLogLoss()).isCloseTo(py("multi", "log_loss"), within(TOLERANCE));
  }

  @Test
  void regression_equalsScikitLearnAndNumpy() {
    var q = regression.getRegression();
    assertThat(q.getRmse()).isCloseTo(py("reg", "rmse"), within(TOLERANCE));
    assertThat(q.getMae()).isCloseTo(py("reg", "mae"), within(TOLERANCE));
    assertThat(q.getMeanBias()).isCloseTo(py("reg", "mean_bias"), within(TOLERANCE));
  }
}
