package io.canopy.cli.bench;

import io.canopy.common.grpc.GrpcTransports;
import io.grpc.ManagedChannel;
import java.net.http.HttpClient;
import java.util.List;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code canopy bench}: one closed-loop client timing single calls against a target, with the
 * empty-call floor measured in the same run so the result is a machine-independent ratio.
 */
@Command(name = "bench", description = "Time single-row predictions against the gRPC floor.")
public final class BenchCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, description = "model to predict with")
  String model;

  @Option(names = "--features", required = true, description = "the model's feature count")
  int features;

  @Option(names = "--grpc", defaultValue = "127.0.0.1:9090", description = "gRPC target (gateway or serving)")
  String grpcTarget;

  @Option(names = "--http", defaultValue = "http://127.0.0.1:8080", description = "gateway HTTP base URL")
  String httpBase;

  @Option(names = "--requests", defaultValue = "1000", description = "timed requests per target")
  int requests;

  @Option(names = "--warmup", defaultValue = "500", description = "untimed requests per target first")
  int warmup;

  @Override
  public Integer call() throws Exception {
    ManagedChannel channel =
        GrpcTransports.channel(grpcTarget, GrpcTransports.DEFAULT_MAX_INBOUND_MESSAGE_BYTES);
    try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      List<Probe> probes =
          List.of(
              Probe.floor(channel),
              Probe.grpcPredict(channel, model, features),
              Probe.httpPredict(http, httpBase, model, features));
      System.out.printf("%-14s %10s %10s %10s %10s%n", "target", "p50 µs", "p90 µs", "p99 µs", "x floor");
      double floor = 0;
      for (Probe probe : probes) {
        Histogram h = probe.run(warmup, requests);
        double p50 = h.getValueAtPercentile(50) / 1000.0;
        if (floor == 0) {
          floor = p50;
        }
        System.out.printf(
            "%-14s %10.1f %10.1f %10.1f %10.2f%n",
            probe.name(),
            p50,
            h.getValueAtPercentile(90) / 1000.0,
            h.getValueAtPercentile(99) / 1000.0,
            p50 / floor);
      }
      return 0;
    } finally {
      channel.shutdownNow();
    }
  }
}
