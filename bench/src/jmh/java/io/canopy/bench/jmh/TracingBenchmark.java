package io.canopy.bench.jmh;

import io.canopy.common.config.ConfigLoader;
import io.canopy.gateway.GatewayConfig;
import io.canopy.gateway.GatewayServer;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.registry.RegistryServer;
import io.canopy.serving.ServingConfig;
import io.canopy.serving.ServingServer;
import io.grpc.ManagedChannel;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * What tracing costs a prediction: a single-row Predict through the gateway's gRPC front to serving
 * (the real wiring, on loopback in this JVM, as {@code canopy up} runs it; the flat forest
 * computes), one caller at a time, with tracing off, on at sampling 1.0 and on at 0.01. Three
 * serving + gateway pairs run side by side behind one registry, one per setting, and each
 * invocation calls all three in a rotating order, so load that drifts on a shared machine hits the
 * three alike (measured one after the other, the settings differed by more than tracing costs).
 * Spans go through the real batch processor to an exporter that drops them, so the network to a
 * collector is not measured. Prediction records and outcomes are off. The model: {@link
 * FlatForestBenchmark}'s 100 trees of depth 6 over 30 features.
 *
 * <p>JMH's score is the time of the three calls together; the figures are printed at the end: each
 * setting's p50 and p99 over the measurement iterations, and the median over iterations of each
 * setting's p50 divided by the p50 with tracing off.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class TracingBenchmark {

  private static final String MODEL = "traced";

  /** The settings compared: tracing off, and on at each sampling ratio. */
  private static final String[] SETTINGS = {"off", "1.0", "0.01"};

  private final LongAdder exported = new LongAdder();
  private final List<AutoCloseable> opened = new ArrayList<>();
  private final InterleavedLatencies latencies = new InterleavedLatencies(SETTINGS);
  private Path dir;
  private InferenceServiceGrpc.InferenceServiceBlockingStub[] stubs;
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

  @Setup
  public void start() throws Exception {
    dir = Files.createTempDirectory("canopy-jmh-tracing");
    RegistryServer registry = LocalSuite.registry(dir);
    opened.add(registry);
    stubs = new InferenceServiceGrpc.InferenceServiceBlockingStub[SETTINGS.length];
    for (int i = 0; i < SETTINGS.length; i++) {
      stubs[i] = startPair(i, registry.grpcPort());
    }
    long version =
        LocalSuite.uploadAndPromote(
            registry.grpcPort(), MODEL, FlatForestBenchmark.trained(100, 6));
    for (InferenceServiceGrpc.InferenceServiceBlockingStub stub : stubs) {
      LocalSuite.awaitAvailable(stub, MODEL, version);
    }
    DenseRows.Builder row = DenseRows.newBuilder().setNumFeatures(FlatForestBenchmark.FEATURES);
    for (int f = 0; f < FlatForestBenchmark.FEATURES; f++) {
      row.addValues(f * 0.1f);
    }
    request = PredictRequest.newBuilder().setModel(MODEL).setDense(row).build();
  }

  /** Serving and a gateway in front of it with tracing as {@code SETTINGS[i]} says. */
  private InferenceServiceGrpc.InferenceServiceBlockingStub startPair(int i, int registryPort) {
    Map<String, String> settings = LocalSuite.settings(dir.resolve("pair-" + i), registryPort);
    boolean on = !SETTINGS[i].equals("off");
    for (String service : new String[] {"serving", "gateway"}) {
      settings.put(service + ".tracing.enabled", Boolean.toString(on));
      if (on) {
        settings.put(service + ".tracing.sampling-ratio", SETTINGS[i]);
      }
    }
    ServingServer serving =
        ServingServer.start(
            ServingConfig.create(ConfigLoader.load("serving.yaml", settings)),
            ServingServer.Seams.real().withSpans(spans()));
    opened.add(serving);
    settings.put("gateway.upstream.serving-target", "127.0.0.1:" + serving.grpcPort());
    GatewayServer gateway =
        GatewayServer.start(
            GatewayConfig.create(ConfigLoader.load("gateway.yaml", settings)),
            GatewayServer.Seams.real().withSpans(spans()));
    opened.add(gateway);
    ManagedChannel channel = LocalSuite.channel(gateway.grpcPort());
    opened.add(channel::shutdownNow);
    return InferenceServiceGrpc.newBlockingStub(channel);
  }

  private SpanProcessor spans() {
    return BatchSpanProcessor.builder(new DroppingExporter()).build();
  }

  /** One Predict through each setting's gateway, the first of them rotating. */
  @Benchmark
  @OperationsPerInvocation(3)
  public void predictEach(Blackhole sink) {
    latencies.callEach(
        i -> sink.consume(stubs[i].withDeadlineAfter(5, TimeUnit.SECONDS).predict(request)));
  }

  /** Keeps a measurement iteration's p50 ratios; warm-up iterations are dropped. */
  @TearDown(Level.Iteration)
  public void endIteration(IterationParams params) {
    latencies.endIteration(params.getType() == IterationType.MEASUREMENT);
  }

  @TearDown
  public void stop() throws Exception {
    LocalSuite.close(opened);
    latencies.print("tracing");
    System.out.printf("spans exported: %d%n", exported.sum());
    LocalSuite.delete(dir);
  }
}
