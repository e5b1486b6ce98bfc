package io.canopy.bench;

import io.canopy.common.grpc.GrpcTransports;
import io.grpc.ManagedChannel;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Not a test: the repeatable measurement of the harness itself (see README, "Measuring the
 * harness"). Runs the built-in floor and the harness's targets against in-process fakes that answer
 * at once, so every figure is a ratio to the floor measured in the same run (the floor runs first
 * and again last: the second floor row shows this machine's run-to-run noise):
 *
 * <pre>
 * mvn -o -q test-compile org.codehaus.mojo:exec-maven-plugin:3.5.0:java -pl bench \
 *     -Dexec.mainClass=io.canopy.bench.BenchFigures -Dexec.classpathScope=test [-Dexec.args="3s 5s"]
 * </pre>
 *
 * Arguments: warm-up and measured duration per run (default 3s 5s).
 */
public final class BenchFigures {

  private BenchFigures() {}

  public static void main(String[] args) throws Exception {
    DurationConverter durations = new DurationConverter();
    Duration warmup = durations.convert(args.length > 0 ? args[0] : "3s");
    Duration measured = durations.convert(args.length > 1 ? args[1] : "5s");
    Duration timeout = Duration.ofSeconds(10);
    List<String[]> rows = new ArrayList<>();
    try (FakeCanopy fake = new FakeCanopy();
        FloorServer floorServer = new FloorServer();
        FakeHttpGateway http = new FakeHttpGateway(0);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      ManagedChannel floorChannel = GrpcTransports.channel(floorServer.target(), 1 << 26);
      ManagedChannel fakeChannel = GrpcTransports.channel(fake.target(), 1 << 26);
      ModelRef ref = new ModelRef("m", null, null);
      Payload payload = Payload.generated(30, 7);
      // one untimed pass over every target first, so JIT and connection set-up do not land on
      // whichever run happens to come first
      LoadShape warm = new LoadShape(8, 0, 10_000, Duration.ZERO, warmup, 0, timeout);
      for (Target t :
          List.of(
              GrpcTargets.floor(floorChannel, timeout),
              GrpcTargets.predict(fakeChannel, ref, null, payload, 64, timeout),
              GrpcTargets.kserve(fakeChannel, ref, null, payload, 64, false, timeout),
              HttpTargets.predict(client, http.base(), ref, payload, 1, null, timeout))) {
        BenchRun.run(t, warm, null, System::nanoTime);
      }
      for (int concurrency : new int[] {1, 8}) {
        LoadShape shape = new LoadShape(concurrency, 0, 10_000, warmup, measured, 0, timeout);
        Report floor =
            BenchRun.run(GrpcTargets.floor(floorChannel, timeout), shape, null, System::nanoTime);
        rows.add(row(floor, floor));
        for (int batch : new int[] {1, 64}) {
          rows.add(
              row(
                  BenchRun.run(
                      GrpcTargets.predict(fakeChannel, ref, null, payload, batch, timeout),
                      shape,
                      null,
                      System::nanoTime),
                  floor));
          rows.add(
              row(
                  BenchRun.run(
                      GrpcTargets.kserve(fakeChannel, ref, null, payload, batch, false, timeout),
                      shape,
                      null,
                      System::nanoTime),
                  floor));
        }
        rows.add(
            row(
                BenchRun.run(
                    HttpTargets.predict(client, http.base(), ref, payload, 1, null, timeout),
                    shape,
                    null,
                    System::nanoTime),
                floor));
        // the floor again, last: its spread from the first floor is this machine's noise level
        rows.add(
            row(
                BenchRun.run(
                    GrpcTargets.floor(floorChannel, timeout), shape, null, System::nanoTime),
                floor));
        if (concurrency == 8) {
          double rate = Math.max(100, Math.floor(floor.requestsPerSecond() / 2));
          LoadShape open = new LoadShape(1, rate, 10_000, warmup, measured, 0, timeout);
          rows.add(
              row(
                  BenchRun.run(
                      GrpcTargets.floor(floorChannel, timeout), open, null, System::nanoTime),
                  floor));
        }
      }
      floorChannel.shutdownNow();
      fakeChannel.shutdownNow();
    }
    System.out.printf(
        "%-14s %-26s %5s %10s %10s %10s %10s %8s %8s %8s%n",
        "target",
        "shape",
        "rows",
        "req/s",
        "p50 µs",
        "p99 µs",
        "p99.9 µs",
        "p50 x",
        "p99 x",
        "rps x");
    for (String[] r : rows) {
      System.out.printf("%-14s %-26s %5s %10s %10s %10s %10s %8s %8s %8s%n", (Object[]) r);
    }
  }

  private static String[] row(Report run, Report floor) {
    var ratios = run.ratiosTo(floor);
    return new String[] {
      run.target(), run.shape(), Integer.toString(run.rowsPerRequest()),
      f("%.0f", run.requestsPerSecond()), f("%.1f", run.micros(50)), f("%.1f", run.micros(99)),
      f("%.1f", run.micros(99.9)), f("%.2f", ratios.get("p50")), f("%.2f", ratios.get("p99")),
      f("%.2f", ratios.get("throughput"))
    };
  }

  private static String f(String format, double v) {
    return String.format(Locale.ROOT, format, v);
  }
}
