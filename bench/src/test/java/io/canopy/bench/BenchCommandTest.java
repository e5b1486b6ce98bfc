package io.canopy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.testing.GrpcCleanup;
import io.canopy.common.testing.ProcessSuite;
import io.canopy.proto.features.v1.FeatureLayout;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.kserve.v2.ModelInferRequest;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

@ProcessSuite
class BenchCommandTest {

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int bench(String... args) {
    CommandLine cli = new CommandLine(new BenchCommand()).setExpandAtFiles(false);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of("--no-progress", "--warmup", "0"));
    all.addAll(List.of(args));
    return cli.execute(all.toArray(String[]::new));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "--rate 10 --concurrency 2 --model m --features 3",
        "--duration 1s --requests 5 --model m --features 3",
        "--target nope",
        "--rows 0 --model m --features 3",
        "--duration abc --model m",
        "--rate 0 --model m --features 3",
        "--rate -5 --model m --features 3",
        "--concurrency 0 --model m --features 3",
        "--max-outstanding 0 --rate 5 --model m --features 3",
        "--target predict --features 3 --requests 1",
        "--model m --version 2 --alias production --features 3 --requests 1",
        "--target kserve --model m --alias production --features 3 --requests 1",
        "--target features --requests 1",
        "--target features --feature-view v --entities a --layout diagonal --requests 1",
        "--model m --features 3 --requests 1 --compare old.hgrm",
        "--model m --features 3 --requests 1 --unknown-option",
        "--http not-a-url --target http-predict --model m --features 3 --requests 1",
        "--interleave 2 --model m --features 3 --duration 1s",
        "--interleave 2 --compare-floor --model m --features 3 --requests 5",
        "--interleave 0 --compare-floor --model m --features 3 --duration 1s"
      })
  void call_badOption_exitsWithUsageError(String args) {
    assertThat(bench(args.split(" "))).isEqualTo(2);
    assertThat(err.toString()).isNotBlank();
  }

  @Test
  void call_help_printsEveryOption() {
    assertThat(bench("--help")).isZero();
    assertThat(out.toString()).contains("--target", "--rate", "--compare-floor", "--write-body");
  }

  @Test
  void call_unreachableDiscovery_failsWithMessage() throws Exception {
    FakeCanopy fake = new FakeCanopy();
    String target = fake.target();
    fake.close();

    int code = bench("--grpc", target, "--model", "m", "--requests", "1", "--timeout", "2s");

    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("bench:");
  }

  @Test
  void call_predictWithFloorJsonHgrmAndPlot_writesEverything() throws Exception {
    FakeCanopy fake = cleanup.register(new FakeCanopy());
    Path hgrm = dir.resolve("run.hgrm");
    Path png = dir.resolve("run.png");

    int code =
        bench(
            "--grpc",
            fake.target(),
            "--model",
            "m",
            "--features",
            "4",
            "--rows",
            "2",
            "--concurrency",
            "2",
            "--requests",
            "50",
            "--json",
            "--compare-floor",
            "--hgrm",
            hgrm.toString(),
            "--plot",
            png.toString());

    assertThat(code).as(err.toString()).isZero();
    String json = out.toString().strip();
    assertThat(json).startsWith("{\"target\":\"predict\"").endsWith("}").doesNotContain("\n");
    assertThat(json)
        .contains(
            "\"ok\":50,",
            "\"rows_per_request\":2",
            "\"floor\":{\"target\":\"floor\"",
            "\"ratio_to_floor\":{\"p50\":",
            "\"latency_us\":{\"p50\":");
    assertThat(fake.predictCalls.get()).isEqualTo(50);
    assertThat(fake.predicts.peek().getDense().getNumFeatures()).isEqualTo(4);
    assertThat(fake.predicts.peek().getDense().getValuesCount()).isEqualTo(8);

    Curve main = Curve.readHgrm(hgrm);
    Curve floor = Curve.readHgrm(ReportOutput.floorSibling(hgrm));
    assertThat(main.percentiles()).isNotEmpty();
    assertThat(floor.percentiles()).isNotEmpty();
    assertThat(Files.readString(hgrm)).containsPattern("Total count +=  +50]");

    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image).isNotNull();
    assertThat(image.getWidth()).isEqualTo(PercentilePlot.WIDTH);
    assertThat(image.getHeight()).isEqualTo(PercentilePlot.HEIGHT);
  }

  @Test
  void call_manyModelsZipf_spreadsRequestsHottestFirst() throws Exception {
    FakeCanopy fake = cleanup.register(new FakeCanopy());
    Path list = dir.resolve("models.txt");
    Files.writeString(
        list,
        String.join(
            "\n", java.util.stream.IntStream.range(0, 20).mapToObj(i -> "tenant-" + i).toList()));

    int code =
        bench(
            "--grpc",
            fake.target(),
            "--models",
            "@" + list,
            "--distribution",
            "zipf:1.1",
            "--features",
            "3",
            "--concurrency",
            "4",
            "--requests",
            "2000",
            "--json");

    assertThat(code).as(err.toString()).isZero();
    java.util.Map<String, Long> perModel =
        fake.predicts.stream()
            .collect(
                java.util.stream.Collectors.groupingBy(
                    PredictRequest::getModel, java.util.stream.Collectors.counting()));
    assertThat(perModel.keySet()).allMatch(m -> m.startsWith("tenant-")).hasSizeGreaterThan(10);
    assertThat(perModel.get("tenant-0")).isGreaterThan(perModel.getOrDefault("tenant-19", 0L) * 5);
    assertThat(bench("--grpc", fake.target(), "--models", "a", "--model", "b")).isEqualTo(2);
  }

  @Test
  void call_interleavedWithTheFloor_reportsBothAndTheMedianCycleRatio() throws Exception {
    FakeCanopy fake = cleanup.register(new FakeCanopy());

    int code =
        bench(
            "--grpc",
            fake.target(),
            "--model",
            "m",
            "--features",
            "4",
            "--duration",
            "400ms",
            "--json",
            "--compare-floor",
            "--floor-remote",
            "--interleave",
            "4");

    assertThat(code).as(err.toString()).isZero();
    String json = out.toString().strip();
    assertThat(json)
        .contains(
            "\"floor\":{\"target\":\"floor\"",
            "interleaved in 4 cycles",
            "\"interleaved\":{\"cycles\":4,\"p50_ratio_median_of_cycles\":");
    double ratio =
        Double.parseDouble(json.replaceAll(".*\"p50_ratio_median_of_cycles\":([0-9.]+).*", "$1"));
    assertThat(ratio).isPositive();
    assertThat(fake.predictCalls.get()).isPositive();
  }

  @Test
  void call_text_printsPercentilesAndErrors() throws Exception {
    FakeCanopy fake =
        cleanup
            .register(new FakeCanopy())
            .failWith(call -> call % 2 == 0 ? io.grpc.Status.RESOURCE_EXHAUSTED : null);

    int code =
        bench("--grpc", fake.target(), "--model", "m", "--features", "2", "--requests", "20");

    assertThat(code).isZero();
    assertThat(out.toString()).contains("10 ok, 10 errors", "p99.9", "RESOURCE_EXHAUSTED");
  }

  @Test
  void call_kserveWithoutFeatures_discoversTheFeatureCount() throws Exception {
    FakeCanopy fake = cleanup.register(new FakeCanopy()).metadataFeatures(5);

    int code =
        bench(
            "--target",
            "kserve",
            "--grpc",
            fake.target(),
            "--model",
            "m",
            "--version",
            "2",
            "--rows",
            "3",
            "--requests",
            "10",
            "--rate",
            "500");

    assertThat(code).as(err.toString()).isZero();
    ModelInferRequest infer = fake.infers.peek();
    assertThat(fake.infers).hasSize(10);
    assertThat(infer.getModelVersion()).isEqualTo("2");
    assertThat(infer.getInputs(0).getShapeList()).containsExactly(3L, 5L);
    assertThat(infer.getInputs(0).getContents().getFp32ContentsCount()).isEqualTo(15);
  }

  @Test
  void call_kserveRaw_sendsLittleEndianBytes() throws Exception {
    FakeCanopy fake = cleanup.register(new FakeCanopy());

    int code =
        bench(
            "--target",
            "kserve",
            "--grpc",
            fake.target(),
            "--model",
            "m",
            "--features",
            "4",
            "--rows",
            "2",
            "--raw",
            "--requests",
            "3");

    assertThat(code).as(err.toString()).isZero();
    ModelInferRequest infer = fake.infers.peek();
    assertThat(infer.getRawInputContents(0).size()).isEqualTo(2 * 4 * Float.BYTES);
    assertThat(infer.getInputs(0).hasContents()).isFalse();
  }

  @Test
  void call_csv_sendsTheFileRowsInOrder() throws Exception {
    FakeCanopy fake = cleanup.register(new FakeCanopy());
    Path csv = Path.of(getClass().getResource("/breast_cancer_rows.csv").toURI());

    int code =
        bench(
            "--grpc",
            fake.target(),
            "--model",
            "m",
            "--alias",
            "production",
            "--csv",
            csv.toString(),
            "--requests",
            "1");

    assertThat(code).as(err.toString()).isZero();
    var request = fake.predicts.peek();
    assertThat(request.getAlias()).isEqualTo("production");
    assertThat(request.getDense().getNumFeatures()).isEqualTo(30);
    assertThat(request.getDense().getValues(0)).isEqualTo(17.9899998f);
  }

  @Test
  void call_features_cyclesTheEntityKeys() throws Exception {
    FakeCanopy fake = cleanup.register(new FakeCanopy());

    int code = features(fake, "--rows", "2", "--requests", "4");

    assertThat(code).as(err.toString()).isZero();
    assertThat(fake.featureReads).hasSize(4);
    assertThat(fake.featureReads)
        .allSatisfy(r -> assertThat(r.getFeatureView()).isEqualTo("users"))
        .allSatisfy(r -> assertThat(r.getLayout()).isEqualTo(FeatureLayout.FEATURE_LAYOUT_ROWS));
    assertThat(fake.featureReads.stream().flatMap(r -> r.getEntityKeysList().stream()).distinct())
        .containsExactlyInAnyOrder("a", "b", "c");
  }

  @Test
  void call_featuresInColumns_asksForTheColumnarLayout() throws Exception {
    FakeCanopy fake = cleanup.register(new FakeCanopy());

    int code = features(fake, "--layout", "columns", "--requests", "3");

    assertThat(code).as(err.toString()).isZero();
    assertThat(fake.featureReads)
        .hasSize(3)
        .allSatisfy(r -> assertThat(r.getLayout()).isEqualTo(FeatureLayout.FEATURE_LAYOUT_COLUMNS));
  }

  /** The features target on view users, keys a, b, c, at {@code fake}, plus {@code more}. */
  private int features(FakeCanopy fake, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--target",
                "features",
                "--grpc",
                fake.target(),
                "--feature-view",
                "users",
                "--entities",
                "a,b,c"));
    args.addAll(List.of(more));
    return bench(args.toArray(String[]::new));
  }

  @Test
  void call_httpPredict_countsHttpStatusErrors() throws Exception {
    FakeHttpGateway gateway = cleanup.register(new FakeHttpGateway(5));

    int code =
        bench(
            "--target",
            "http-predict",
            "--http",
            gateway.base(),
            "--model",
            "m",
            "--version",
            "4",
            "--features",
            "2",
            "--rows",
            "2",
            "--concurrency",
            "3",
            "--requests",
            "40",
            "--json");

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).contains("\"errors\":{\"HTTP_503\":" + gateway.failures.get() + "}");
    assertThat(gateway.failures.get()).isEqualTo(8);
    assertThat(gateway.paths).allMatch("/v1/models/m/versions/4:predict"::equals);
    assertThat(gateway.bodies.peek()).matches("\\{\"instances\":\\[\\[[^\\]]+],\\[[^\\]]+]]}");
  }

  @Test
  void call_httpKserveWithoutFeatures_discoversOverHttp() throws Exception {
    FakeHttpGateway gateway = cleanup.register(new FakeHttpGateway(0));

    int code =
        bench(
            "--target",
            "http-kserve",
            "--http",
            gateway.base() + "/",
            "--model",
            "m",
            "--requests",
            "5");

    assertThat(code).as(err.toString()).isZero();
    assertThat(gateway.paths).allMatch("/v2/models/m/infer"::equals).hasSize(5);
    assertThat(gateway.bodies.peek()).contains("\"shape\":[1,7]", "\"name\":\"input-0\"");
  }

  @Test
  void call_floorTarget_needsNoServer() {
    int code = bench("--target", "floor", "--requests", "20", "--concurrency", "2");

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).contains("floor", "20 ok, 0 errors");
  }

  @Test
  void call_writeBody_savesTheGrpcFrameAndPrintsThePath() throws Exception {
    Path body = dir.resolve("predict.bin");

    int code = bench("--model", "m", "--features", "3", "--write-body", body.toString());

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString().strip()).isEqualTo("/canopy.inference.v1.InferenceService/Predict");
    byte[] frame = Files.readAllBytes(body);
    assertThat(frame[0]).isZero();
    int length = java.nio.ByteBuffer.wrap(frame, 1, 4).getInt();
    assertThat(length).isEqualTo(frame.length - 5);
    var request =
        io.canopy.proto.inference.v1.PredictRequest.parseFrom(
            java.util.Arrays.copyOfRange(frame, 5, frame.length));
    assertThat(request.getDense().getValuesCount()).isEqualTo(3);
  }

  @Test
  void call_writeBodyHttp_savesTheJsonAndPrintsTheUrl() throws Exception {
    Path body = dir.resolve("predict.json");

    int code =
        bench(
            "--target",
            "http-predict",
            "--http",
            "http://127.0.0.1:1",
            "--model",
            "m",
            "--features",
            "2",
            "--write-body",
            body.toString());

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString().strip()).isEqualTo("http://127.0.0.1:1/v1/models/m:predict");
    assertThat(Files.readString(body)).startsWith("{\"instances\":[[");
  }
}
