package io.canopy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.cli.ModelMutants.Mutant;
import io.canopy.cli.registry.ModelUploader;
import io.canopy.common.testing.ProcessSuite;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.GetModelStatusRequest;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.LoadState;
import io.canopy.proto.inference.v1.OutputKind;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.UploadVersionHeader;
import io.canopy.proto.registry.v1.VersionState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzed model files through the real registry and serving, each its own process on loopback: every
 * mutant of the fixtures ({@link ModelMutants}) is uploaded and must end READY or FAILED with a
 * reason, or be refused with INVALID_ARGUMENT naming the field. Every READY mutant then becomes its
 * model's latest version, serving loads it (or refuses it with a reason) and predicts on it
 * (all-missing, all-zero and random rows with missing cells); a prediction may fail only with a
 * mapped status, never INTERNAL or UNKNOWN, and neither process may die.
 */
@ProcessSuite
class FuzzedModelsTest {

  private static final long SEED = 20261122L;
  private static final int MUTANTS = Integer.getInteger("canopy.fuzz.mutants", 1200);
  private static final int LANES = 3;
  private static final long LOAD_BOUND_NANOS = TimeUnit.SECONDS.toNanos(60);

  @TempDir static Path dir;
  private static ServiceProcess registry;
  private static ServiceProcess serving;
  private static ManagedChannel registryChannel;
  private static ManagedChannel servingChannel;

  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
  private final Map<String, String> exampleReasons = new ConcurrentHashMap<>();
  private final List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void start() throws Exception {
    registry =
        ServiceProcess.registry(
            dir.resolve("registry"),
            Map.of(
                "registry.validation.processes", "2",
                "registry.validation.timeout", "20s"),
            dir);
    serving =
        ServiceProcess.serving(
            "serving",
            registry.target(),
            dir.resolve("serving-cache"),
            Map.of(
                "serving.features.rocksdb.path",
                dir.resolve("features").toString(),
                "serving.retire-grace",
                "0"),
            dir);
    registryChannel = TestSuites.channel(registry.grpcPort());
    servingChannel = TestSuites.channel(serving.grpcPort());
  }

  @AfterAll
  static void stop() {
    if (registryChannel != null) {
      registryChannel.shutdownNow();
      servingChannel.shutdownNow();
    }
    if (serving != null) {
      serving.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void mutatedModels_endReadyOrFailed_andReadyOnesServeWithoutCrashingAnything() throws Exception {
    Map<String, byte[]> sources = new java.util.LinkedHashMap<>();
    for (String name :
        List.of(
            "breast_cancer_binary.ubj", "breast_cancer_binary.json", "diabetes_regression.ubj")) {
      sources.put(name, Fixtures.bytes(name));
    }
    try (io.canopy.lightgbm.Trained lightgbm =
        io.canopy.lightgbm.Trained.train(
            "binary", "objective=binary num_leaves=7 categorical_feature=3", 400, 4, 9)) {
      sources.put("lightgbm_binary.txt", lightgbm.bytes());
    }
    List<Mutant> mutants = new ModelMutants(SEED, sources).generate(MUTANTS);

    long start = System.nanoTime();
    ExecutorService lanes = Executors.newFixedThreadPool(LANES);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int lane = 0; lane < LANES; lane++) {
        int first = lane;
        done.add(
            lanes.submit(
                () -> {
                  for (int i = first; i < mutants.size(); i += LANES) {
                    tryMutant("fuzz-" + first, mutants.get(i));
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(15, TimeUnit.MINUTES);
      }
    } finally {
      lanes.shutdownNow();
    }
    double seconds = (System.nanoTime() - start) / 1e9;

    Map<String, Integer> sorted = new TreeMap<>();
    counts.forEach((k, v) -> sorted.put(k, v.get()));
    System.out.printf(
        "fuzzed models: %d tried in %.1f s (%.1f/s): %s%n",
        mutants.size(), seconds, mutants.size() / seconds, sorted);
    exampleReasons.forEach((k, v) -> System.out.println("  e.g. " + k + ": " + v));

    assertThat(violations).as("mutants handled wrongly").isEmpty();
    assertThat(registry.isAlive()).as(registry.output()).isTrue();
    assertThat(serving.isAlive()).as(serving.output()).isTrue();
    assertThat(count("ready") + count("failed") + count("refused")).isEqualTo(mutants.size());
    assertThat(count("ready")).as("some mutants still are valid models").isPositive();
    assertThat(count("failed")).as("some mutants are broken models").isPositive();
    assertThat(count("served") + count("serving-load-failed")).isEqualTo(count("ready"));
    assertThat(count("served")).as("READY mutants serving loaded").isPositive();
    assertHealthy(registry.httpPort());
    assertHealthy(serving.httpPort());

    // Still serving good models: the original fixture uploads READY and predicts.
    ModelVersion good = upload("fuzz-after", sources.get("breast_cancer_binary.ubj"));
    assertThat(good.getState()).isEqualTo(VersionState.VERSION_STATE_READY);
    assertThat(awaitLoaded("fuzz-after", good.getVersion()))
        .isEqualTo(LoadState.LOAD_STATE_AVAILABLE);
    float[] rows = Fixtures.matrix("breast_cancer_rows.csv", 30);
    PredictResponse r =
        predict("fuzz-after", good.getVersion(), 30, rows, OutputKind.OUTPUT_KIND_VALUE);
    assertThat(r.getValues(0))
        .isCloseTo(
            (float) Fixtures.column("breast_cancer_expected_probability.csv")[0],
            org.assertj.core.api.Assertions.within(1e-5f));
  }

  private void tryMutant(String model, Mutant mutant) {
    ModelVersion version;
    try {
      version = upload(model, mutant.bytes());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT && !fieldOf(e).isEmpty()) {
        tally("refused");
        tally("refused:" + fieldOf(e));
      } else {
        violations.add(mutant + ": upload answered " + e.getStatus());
      }
      return;
    } catch (Exception e) {
      violations.add(mutant + ": upload failed: " + e);
      return;
    }
    switch (version.getState()) {
      case VERSION_STATE_FAILED -> {
        if (version.getFailureReason().isBlank()) {
          violations.add(mutant + ": FAILED without a reason");
        }
        tally("failed");
        String reasonClass = reasonClass(version.getFailureReason());
        tally("failed:" + reasonClass);
        exampleReasons.putIfAbsent(reasonClass, version.getFailureReason());
      }
      case VERSION_STATE_READY -> {
        tally("ready");
        tally("ready:" + mutant.kind().replaceAll("-with-.*", ""));
        serve(model, version, mutant);
      }
      default -> violations.add(mutant + ": ended " + version.getState());
    }
  }

  /** The READY mutant is the model's latest: serving must load it and answer on it. */
  private void serve(String model, ModelVersion version, Mutant mutant) {
    String[] reason = {""};
    LoadState state = awaitLoaded(model, version.getVersion(), reason);
    if (state == LoadState.LOAD_STATE_FAILED && !reason[0].isBlank()) {
      // Serving refused it with a reason (its requests get FAILED_PRECONDITION): counted, shown.
      tally("serving-load-failed");
      exampleReasons.putIfAbsent("serving-load-failed", mutant + ": " + reason[0]);
    } else if (state != LoadState.LOAD_STATE_AVAILABLE) {
      violations.add(mutant + ": READY but serving reached " + state + " (" + reason[0] + ")");
      return;
    } else {
      tally("served");
    }
    int features = version.getNumFeatures();
    SplittableRandom random = new SplittableRandom(mutant.index());
    for (OutputKind output :
        List.of(
            OutputKind.OUTPUT_KIND_VALUE,
            OutputKind.OUTPUT_KIND_MARGIN,
            OutputKind.OUTPUT_KIND_LEAF)) {
      float[] rows = rows(features, random);
      try {
        predict(model, version.getVersion(), features, rows, output);
        tally(
            state == LoadState.LOAD_STATE_AVAILABLE
                ? "predict-ok"
                : "predict-ok-after-load-failure");
      } catch (StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        if (code == Status.Code.INTERNAL || code == Status.Code.UNKNOWN) {
          violations.add(mutant + ": Predict " + output + " answered " + e.getStatus());
        } else {
          tally("predict-refused:" + code);
        }
      }
    }
    if (!serving.isAlive()) {
      violations.add(mutant + ": the serving process died: " + serving.output());
      throw new IllegalStateException("serving died on " + mutant);
    }
  }

  /** One all-missing row, one all-zero row, four random rows with some missing cells. */
  private static float[] rows(int features, SplittableRandom random) {
    int n = 6;
    float[] rows = new float[n * features];
    for (int c = 0; c < features; c++) {
      rows[c] = Float.NaN;
      rows[features + c] = 0f;
    }
    for (int i = 2 * features; i < rows.length; i++) {
      rows[i] = random.nextInt(8) == 0 ? Float.NaN : (float) random.nextDouble(-1000, 1000);
    }
    return rows;
  }

  private static PredictResponse predict(
      String model, long version, int features, float[] rows, OutputKind output) {
    DenseRows.Builder dense = DenseRows.newBuilder().setNumFeatures(features);
    for (float v : rows) {
      dense.addValues(v);
    }
    return InferenceServiceGrpc.newBlockingStub(servingChannel)
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .predict(
            PredictRequest.newBuilder()
                .setModel(model)
                .setVersion(version)
                .setDense(dense)
                .setOutput(output)
                .build());
  }

  /** AVAILABLE or FAILED once serving got there; the last state seen when the bound passed. */
  private static LoadState awaitLoaded(String model, long version) {
    return awaitLoaded(model, version, new String[1]);
  }

  /** As above; {@code reason[0]} receives serving's reason when the load FAILED. */
  private static LoadState awaitLoaded(String model, long version, String[] reason) {
    var stub = InferenceServiceGrpc.newBlockingStub(servingChannel);
    long deadline = System.nanoTime() + LOAD_BOUND_NANOS;
    LoadState state = LoadState.LOAD_STATE_UNSPECIFIED;
    while (System.nanoTime() < deadline && serving.isAlive()) {
      try {
        state =
            stub
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .getModelStatus(GetModelStatusRequest.newBuilder().setModel(model).build())
                .getVersionsList()
                .stream()
                .filter(s -> s.getVersion() == version)
                .peek(s -> reason[0] = s.getReason())
                .map(s -> s.getState())
                .findFirst()
                .orElse(LoadState.LOAD_STATE_UNSPECIFIED);
      } catch (StatusRuntimeException e) {
        state = LoadState.LOAD_STATE_UNSPECIFIED; // the model is not known to serving yet
      }
      if (state == LoadState.LOAD_STATE_AVAILABLE || state == LoadState.LOAD_STATE_FAILED) {
        return state;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    return state;
  }

  private static ModelVersion upload(String model, byte[] bytes) throws Exception {
    return new ModelUploader(registryChannel)
        .upload(
            UploadVersionHeader.newBuilder().setModel(model).setCreateModel(true).build(),
            new ByteArrayInputStream(bytes),
            120,
            sent -> {});
  }

  /** The first words that name why validation failed, without the model-specific details. */
  private static String reasonClass(String reason) {
    if (reason.startsWith("the model file cannot be read")) {
      return "unreadable";
    }
    if (reason.startsWith("the model's trees are inconsistent")) {
      return "trees-inconsistent";
    }
    if (reason.startsWith("XGBoost cannot load")) {
      return "xgboost-load-error";
    }
    if (reason.startsWith("XGBoost cannot use")) {
      return "xgboost-use-error";
    }
    if (reason.contains("crashed")) {
      return "child-crashed";
    }
    if (reason.contains("did not finish")) {
      return "timed-out";
    }
    if (reason.contains("memory")) {
      return "out-of-memory";
    }
    if (reason.contains("finite")) {
      return "probe-not-finite";
    }
    if (reason.contains("feature")) {
      return "features";
    }
    return "other";
  }

  private static String fieldOf(StatusRuntimeException e) {
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    if (status == null) {
      return "";
    }
    for (var detail : status.getDetailsList()) {
      try {
        return detail.unpack(com.google.rpc.BadRequest.class).getFieldViolations(0).getField();
      } catch (Exception notBadRequest) {
        // another detail type
      }
    }
    return "";
  }

  private static void assertHealthy(int adminPort) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + adminPort + "/observe/health"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as("health on port %d", adminPort).isIn(200, 204);
    }
  }

  private void tally(String key) {
    counts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
  }

  private int count(String key) {
    AtomicInteger n = counts.get(key);
    return n == null ? 0 : n.get();
  }
}
