package io.canopy.bench.measure;

import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.PredictRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Single-row Predict latency of several targets — serving straight, and gateways in front of it —
 * measured call by call in turn from one caller: call 1 of every target, then call 2 of every
 * target (the order rotating each round), so load that comes and goes falls on every target alike
 * and the ratios of their medians compare them in one run. The first target is the floor; each
 * other's p50 is printed as a ratio to it. Plaintext gRPC, no token. Arguments: model, feature
 * count, warm-up seconds, measured seconds, then {@code LABEL=HOST:PORT} per target.
 *
 * <pre>
 * ./mvnw -B -q -pl bench -am package -DskipTests -Dmeasure.main=io.canopy.bench.measure.HopLatency \
 *   -Dmeasure.args="churn 4 20 60 serving=127.0.0.1:9200 gateway=127.0.0.1:9090"
 * </pre>
 */
public final class HopLatency {

  private HopLatency() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 5) {
      System.err.println("usage: HopLatency MODEL FEATURES WARMUP_S MEASURE_S LABEL=TARGET...");
      System.exit(2);
    }
    String model = args[0];
    int features = Integer.parseInt(args[1]);
    long warmup = TimeUnit.SECONDS.toNanos(Long.parseLong(args[2]));
    long measure = TimeUnit.SECONDS.toNanos(Long.parseLong(args[3]));
    List<String> labels = new ArrayList<>();
    List<ManagedChannel> channels = new ArrayList<>();
    List<InferenceServiceGrpc.InferenceServiceBlockingStub> stubs = new ArrayList<>();
    for (int i = 4; i < args.length; i++) {
      String[] pair = args[i].split("=", 2);
      ManagedChannel channel =
          Grpc.newChannelBuilder(pair[1], InsecureChannelCredentials.create()).build();
      labels.add(pair[0]);
      channels.add(channel);
      stubs.add(InferenceServiceGrpc.newBlockingStub(channel));
    }
    PredictRequest.Builder request = PredictRequest.newBuilder().setModel(model);
    request.getDenseBuilder().setNumFeatures(features);
    for (int f = 0; f < features; f++) {
      request.getDenseBuilder().addValues(f + 0.5f);
    }
    PredictRequest predict = request.build();
    int n = stubs.size();
    try {
      run(stubs, predict, warmup, null);
      Samples[] samples = new Samples[n];
      for (int t = 0; t < n; t++) {
        samples[t] = new Samples();
      }
      long calls = run(stubs, predict, measure, samples);
      System.out.printf("%d calls per target, interleaved%n", calls);
      double floor = samples[0].micros(50);
      for (int t = 0; t < n; t++) {
        System.out.printf(
            "%-12s p50 %8.1f µs  p90 %8.1f  p99 %8.1f  p50 ÷ %s %.2f%n",
            labels.get(t),
            samples[t].micros(50),
            samples[t].micros(90),
            samples[t].micros(99),
            labels.get(0),
            samples[t].micros(50) / floor);
      }
    } finally {
      channels.forEach(ManagedChannel::shutdownNow);
    }
  }

  /** Calls every target in turn for {@code nanos}; returns the rounds made. */
  private static long run(
      List<InferenceServiceGrpc.InferenceServiceBlockingStub> stubs,
      PredictRequest predict,
      long nanos,
      Samples[] samples) {
    int n = stubs.size();
    long end = System.nanoTime() + nanos;
    long rounds = 0;
    while (System.nanoTime() < end) {
      for (int k = 0; k < n; k++) {
        int t = (int) ((k + rounds) % n);
        long start = System.nanoTime();
        stubs.get(t).withDeadlineAfter(10, TimeUnit.SECONDS).predict(predict);
        if (samples != null) {
          samples[t].add(System.nanoTime() - start);
        }
      }
      rounds++;
    }
    return rounds;
  }
}
