package io.canopy.cli.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.proto.monitor.v1.DriftReport;
import io.canopy.proto.monitor.v1.FeatureDrift;
import io.canopy.proto.monitor.v1.QualityReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MonitorPrintTest {

  private static String printed(java.util.function.Consumer<PrintStream> print) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    print.accept(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void printQuality_sampledWindow_saysFromHowManyRows_wholeWindowDoesNot() {
    QualityReport sampled =
        QualityReport.newBuilder()
            .setModel("churn")
            .setVersion(2)
            .setWindow("1d")
            .setPredictions(900_000)
            .setSampledRows(200_113)
            .setWithOutcome(150_000)
            .setOutcomeShare(0.75)
            .build();

    assertThat(printed(out -> MonitorCommand.printQuality(out, sampled)))
        .contains("churn v2, last 1d: 900000 predictions, 150000 with an outcome (75.0%)")
        .contains("figures from a uniform sample of 200113 of them (monitor.max-rows)");
    assertThat(
            printed(
                out ->
                    MonitorCommand.printQuality(
                        out, sampled.toBuilder().setSampledRows(900_000).build())))
        .doesNotContain("sample");
  }

  @Test
  void printDrift_sampledWindow_namesTheWindowsRows() {
    DriftReport d =
        DriftReport.newBuilder()
            .setBaseline("live")
            .setBaselineRows(1000)
            .setRows(200_000)
            .setWindowRows(700_000)
            .addFeatures(FeatureDrift.newBuilder().setFeature("age").setPsi(0.4))
            .setOutput(FeatureDrift.newBuilder().setFeature("output").setPsi(0.01))
            .build();

    assertThat(printed(out -> MonitorCommand.printDrift(out, d)))
        .contains("200000 rows compared")
        .contains("a uniform sample of the window's 700000 rows");
  }
}
