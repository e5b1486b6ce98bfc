package io.canopy.bench.jmh;

import io.canopy.gateway.routing.Router;
import io.canopy.gateway.routing.RoutingTable;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.registry.v1.ChangeKind;
import io.canopy.proto.registry.v1.Model;
import io.canopy.proto.registry.v1.TrafficPolicy;
import io.canopy.proto.registry.v1.TrafficSplit;
import io.canopy.proto.registry.v1.WatchModelsResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The gateway's routing of one request (alias and traffic-policy resolution in the routing table)
 * with 10 models in its table against 10,000: routing must not grow with the number of models.
 * Every model has a production alias and a 90/10 canary split. Requests name, at random, either the
 * same 10 models whatever the table holds ({@code requested=10}: what the table's size alone costs)
 * or any model of the table ({@code requested=all}: many distinct models also miss the CPU caches).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RoutingBenchmark {

  @Param({"10", "10000"})
  public int models;

  @Param({"10", "all"})
  public String requested;

  private Router router;
  private PredictRequest[] requests;
  private int next;

  @Setup
  public void table() {
    RoutingTable table = new RoutingTable(Duration.ZERO, Clock.systemUTC());
    WatchModelsResponse.Builder snapshot =
        WatchModelsResponse.newBuilder().setKind(ChangeKind.CHANGE_KIND_SNAPSHOT).setRevision(1);
    for (int m = 0; m < models; m++) {
      snapshot.addModels(
          Model.newBuilder()
              .setName("tenant-" + m)
              .setLatestVersion(2)
              .putAliases("production", 1)
              .setTrafficPolicy(
                  TrafficPolicy.newBuilder()
                      .addSplits(TrafficSplit.newBuilder().setAlias("production").setPercent(90))
                      .addSplits(TrafficSplit.newBuilder().setVersion(2).setPercent(10))));
    }
    table.apply(snapshot.build());
    SplittableRandom random = new SplittableRandom(5);
    router = new Router(table, random::nextDouble);
    requests = new PredictRequest[4096];
    for (int i = 0; i < requests.length; i++) {
      requests[i] =
          PredictRequest.newBuilder()
              .setModel(
                  "tenant-"
                      + random.nextInt(requested.equals("all") ? models : Math.min(10, models)))
              .setDense(DenseRows.newBuilder().setNumFeatures(1).addValues(1))
              .build();
    }
  }

  @Benchmark
  public Object route() {
    PredictRequest request = requests[next];
    next = (next + 1) & (requests.length - 1);
    return router.route(request);
  }
}
