package io.canopy.bench.jmh;

import com.google.protobuf.ByteString;
import io.canopy.common.config.ConfigLoader;
import io.canopy.common.grpc.FutureObserver;
import io.canopy.common.grpc.GrpcTransports;
import io.canopy.gateway.GatewayConfig;
import io.canopy.gateway.GatewayServer;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.GetModelStatusRequest;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.LoadState;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.SetAliasRequest;
import io.canopy.proto.registry.v1.UploadVersionHeader;
import io.canopy.proto.registry.v1.UploadVersionRequest;
import io.canopy.proto.registry.v1.UploadVersionResponse;
import io.canopy.registry.RegistryConfig;
import io.canopy.registry.RegistryServer;
import io.canopy.serving.ServingConfig;
import io.canopy.serving.ServingServer;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What tracing costs a prediction: one single-row Predict through the gateway's gRPC front to
 * serving (the real wiring of registry, serving and gateway in this JVM on loopback, as {@code
 * canopy up} runs them; the flat forest computes), one caller at a time, with tracing off in every
 * service, on at sampling 1.0 and at 0.01. Spans go through the real batch processor to an exporter
 * that drops them, so the network to a collector is not measured. Prediction records and outcomes
 * are off (they are not what is measured). The model: {@link FlatForestBenchmark}'s 100 trees of
 * depth 6 over 30 features. Read the p50 of the sample-time histogram.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class TracingBenchmark {

  private static final String MODEL = "traced";

  /** {@code off}, or the sampling ratio of every service with tracing on. */
  @Param({"off", "1.0", "0.01"})
  public String tracing;

  private final LongAdder exported = new LongAdder();
  private Path dir;
  private RegistryServer registry;
  private ServingServer serving;
  private GatewayServer gateway;
  private ManagedChannel channel;
  private InferenceServiceGrpc.InferenceServiceBlockingStub stub;
  private PredictRequest request;

  /** Counts what it is handed and drops it: the exporter's work without a network. */
  private final class DroppingExporter implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      exported.add(spans.size());
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  private SpanProcessor spans() {
    return BatchSpanProcessor.builder(new DroppingExporter()).build();
  }

  @Setup
  public void start() throws Exception {
    dir = Files.createTempDirectory("canopy-jmh-tracing");
    Map<String, String> settings = new HashMap<>();
    settings.put("registry.grpc.port", "0");
    settings.put("registry.admin.port", "0");
    settings.put("registry.data-dir", dir.resolve("registry").toString());
    settings.put("serving.grpc.port", "0");
    settings.put("serving.admin.port", "0");
    settings.put("serving.cache-dir", dir.resolve("serving-cache").toString());
    settings.put("serving.features.rocksdb.path", dir.resolve("features").toString());
    settings.put("serving.recording.enabled", "false");
    settings.put("gateway.outcomes.enabled", "false");
    settings.put("gateway.monitor.target", "");
    settings.put("gateway.http.port", "0");
    settings.put("gateway.grpc.port", "0");
    boolean on = !tracing.equals("off");
    for (String service : new String[] {"registry", "serving", "gateway"}) {
      settings.put(service + ".tracing.enabled", Boolean.toString(on));
      if (on) {
        settings.put(service + ".tracing.sampling-ratio", tracing);
      }
    }
    registry =
        RegistryServer.start(
            RegistryConfig.create(ConfigLoader.load("registry.yaml", settings)),
            RegistryServer.Seams.real().withSpans(spans()));
    settings.put("serving.registry.target", "127.0.0.1:" + registry.grpcPort());
    serving =
        ServingServer.start(
            ServingConfig.create(ConfigLoader.load("serving.yaml", settings)),
            ServingServer.Seams.real().withSpans(spans()));
    settings.put("gateway.upstream.serving-target", "127.0.0.1:" + serving.grpcPort());
    settings.put("gateway.upstream.registry-target", "127.0.0.1:" + registry.grpcPort());
    gateway =
        GatewayServer.start(
            GatewayConfig.create(ConfigLoader.load("gateway.yaml", settings)),
            GatewayServer.Seams.real().withSpans(spans()));

    ManagedChannel registryChannel = channel(registry.grpcPort());
    try {
      long version = upload(registryChannel, FlatForestBenchmark.trained(100, 6));
      ModelRegistryServiceGrpc.newBlockingStub(registryChannel)
          .withDeadlineAfter(30, TimeUnit.SECONDS)
          .setAlias(
              SetAliasRequest.newBuilder()
                  .setModel(MODEL)
                  .setAlias("production")
                  .setVersion(version)
                  .build());
      channel = channel(gateway.grpcPort());
      stub = InferenceServiceGrpc.newBlockingStub(channel);
      awaitAvailable(version);
    } finally {
      registryChannel.shutdownNow();
    }
    DenseRows.Builder row = DenseRows.newBuilder().setNumFeatures(FlatForestBenchmark.FEATURES);
    for (int f = 0; f < FlatForestBenchmark.FEATURES; f++) {
      row.addValues(f * 0.1f);
    }
    request = PredictRequest.newBuilder().setModel(MODEL).setDense(row).build();
  }

  private static ManagedChannel channel(int port) {
    return GrpcTransports.channel(
        "127.0.0.1:" + port, GrpcTransports.DEFAULT_MAX_INBOUND_MESSAGE_BYTES);
  }

  private static long upload(ManagedChannel registry, byte[] model) throws Exception {
    FutureObserver<UploadVersionRequest, UploadVersionResponse> reply = new FutureObserver<>();
    StreamObserver<UploadVersionRequest> requests =
        ModelRegistryServiceGrpc.newStub(registry)
            .withDeadlineAfter(120, TimeUnit.SECONDS)
            .uploadVersion(reply);
    requests.onNext(
        UploadVersionRequest.newBuilder()
            .setHeader(UploadVersionHeader.newBuilder().setModel(MODEL).setCreateModel(true))
            .build());
    requests.onNext(UploadVersionRequest.newBuilder().setChunk(ByteString.copyFrom(model)).build());
    requests.onCompleted();
    ModelVersion version = reply.future().get(125, TimeUnit.SECONDS).getVersion();
    if (!version.getFailureReason().isEmpty()) {
      throw new IllegalStateException("upload failed: " + version.getFailureReason());
    }
    return version.getVersion();
  }

  private void awaitAvailable(long version) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      boolean available =
          stub
              .withDeadlineAfter(5, TimeUnit.SECONDS)
              .getModelStatus(GetModelStatusRequest.newBuilder().setModel(MODEL).build())
              .getVersionsList()
              .stream()
              .anyMatch(
                  s -> s.getVersion() == version && s.getState() == LoadState.LOAD_STATE_AVAILABLE);
      if (available) {
        return;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(MODEL + " v" + version + " was not served within 60 s");
  }

  @TearDown
  public void stop() throws Exception {
    channel.shutdownNow();
    gateway.close();
    serving.close();
    registry.close();
    System.out.printf("%n[tracing=%s] spans exported: %d%n", tracing, exported.sum());
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  public PredictResponse predict() {
    return stub.withDeadlineAfter(5, TimeUnit.SECONDS).predict(request);
  }
}
