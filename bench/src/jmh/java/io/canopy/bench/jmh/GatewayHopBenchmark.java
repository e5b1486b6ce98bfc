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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * What the gateway hop costs a single-row Predict, one caller at a time: straight at serving (the
 * floor), through a gateway that reaches serving over loopback TCP (separate processes, or hosts,
 * without the network), and through a gateway that reaches it on grpc-java's in-process transport
 * ({@code canopy up}: one JVM). One registry and one serving answering on both transports; every
 * invocation calls the three in a rotating order, so drifting load on a shared machine hits them
 * alike. The model: {@link FlatForestBenchmark}'s 100 trees of depth 6 over 30 features (flat
 * forest). The figures are printed at the end (see {@link InterleavedLatencies}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class GatewayHopBenchmark {

  private static final String MODEL = "hop";
  private static final String IN_PROCESS = "canopy-jmh-hop";

  private final InterleavedLatencies latencies =
      new InterleavedLatencies("serving", "gateway loopback", "gateway in-process");
  private final List<AutoCloseable> opened = new ArrayList<>();
  private Path dir;
  private InferenceServiceGrpc.InferenceServiceBlockingStub[] stubs;
  private PredictRequest request;

  @Setup
  public void start() throws Exception {
    dir = Files.createTempDirectory("canopy-jmh-hop");
    RegistryServer registry = LocalSuite.registry(dir);
    opened.add(registry);
    Map<String, String> settings = LocalSuite.settings(dir, registry.grpcPort());
    settings.put("serving.grpc.in-process-name", IN_PROCESS);
    ServingServer serving =
        ServingServer.start(ServingConfig.create(ConfigLoader.load("serving.yaml", settings)));
    opened.add(serving);
    stubs =
        new InferenceServiceGrpc.InferenceServiceBlockingStub[] {
          stub(serving.grpcPort()),
          stub(gateway(settings, "127.0.0.1:" + serving.grpcPort())),
          stub(gateway(settings, "in-process:" + IN_PROCESS))
        };
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

  private int gateway(Map<String, String> settings, String servingTarget) {
    settings.put("gateway.upstream.serving-target", servingTarget);
    GatewayServer gateway =
        GatewayServer.start(GatewayConfig.create(ConfigLoader.load("gateway.yaml", settings)));
    opened.add(gateway);
    return gateway.grpcPort();
  }

  private InferenceServiceGrpc.InferenceServiceBlockingStub stub(int port) {
    ManagedChannel channel = LocalSuite.channel(port);
    opened.add(channel::shutdownNow);
    return InferenceServiceGrpc.newBlockingStub(channel);
  }

  /** One Predict at serving, through the loopback gateway and through the in-process one. */
  @Benchmark
  @OperationsPerInvocation(3)
  public void predictEach(Blackhole sink) {
    latencies.callEach(
        i -> sink.consume(stubs[i].withDeadlineAfter(5, TimeUnit.SECONDS).predict(request)));
  }

  @TearDown(Level.Iteration)
  public void endIteration(IterationParams params) {
    latencies.endIteration(params.getType() == IterationType.MEASUREMENT);
  }

  @TearDown
  public void stop() throws Exception {
    LocalSuite.close(opened);
    latencies.print("single-row Predict");
    LocalSuite.delete(dir);
  }
}
