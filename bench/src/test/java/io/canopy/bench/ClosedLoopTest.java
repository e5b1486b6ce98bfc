package io.canopy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.common.testing.ProcessSuite;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@ProcessSuite
class ClosedLoopTest {

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();

  private static LoadShape closed(int concurrency, long requests, Duration warmup) {
    return new LoadShape(
        concurrency, 0, 100, warmup, Duration.ofSeconds(20), requests, Duration.ofSeconds(10));
  }

  private Target predict(FakeCanopy fake, int rows) {
    ManagedChannel channel = cleanup.register(GrpcTransports.channel(fake.target(), 1 << 20));
    return GrpcTargets.predict(
        channel,
        new ModelRef("m", null, null),
        null,
        Payload.generated(3, 1),
        rows,
        Duration.ofSeconds(10));
  }

  @Test
  void run_requestCount_measuresExactlyThatManyCalls() throws Exception {
    FakeCanopy fake = cleanup.register(new FakeCanopy());

    Report report =
        BenchRun.run(predict(fake, 2), closed(4, 200, Duration.ZERO), null, System::nanoTime);

    assertThat(report.ok()).isEqualTo(200);
    assertThat(report.errors()).isEmpty();
    assertThat(fake.predictCalls.get()).isEqualTo(200);
    assertThat(report.rowsPerRequest()).isEqualTo(2);
    assertThat(report.seconds()).isPositive();
    assertThat(fake.predicts.peek().getDense().getValuesCount()).isEqualTo(6);
  }

  @Test
  void run_failingCalls_countsErrorsByCode() throws Exception {
    FakeCanopy fake =
        cleanup
            .register(new FakeCanopy())
            .failWith(
                call ->
                    call % 4 == 0
                        ? Status.UNAVAILABLE
                        : call % 10 == 1 ? Status.INVALID_ARGUMENT : null);

    Report report =
        BenchRun.run(predict(fake, 1), closed(3, 120, Duration.ZERO), null, System::nanoTime);

    assertThat(report.errors())
        .isEqualTo(
            Map.of(
                "UNAVAILABLE", fake.returned(Status.Code.UNAVAILABLE),
                "INVALID_ARGUMENT", fake.returned(Status.Code.INVALID_ARGUMENT)));
    assertThat(report.errors().get("UNAVAILABLE")).isEqualTo(30);
    assertThat(report.ok()).isEqualTo(fake.returned(Status.Code.OK));
    assertThat(report.ok() + report.errorCount()).isEqualTo(120);
  }

  @Test
  void run_warmup_leavesWarmupCallsOutOfTheReport() throws Exception {
    FakeCanopy fake = cleanup.register(new FakeCanopy());

    Report report =
        BenchRun.run(
            predict(fake, 1), closed(2, 50, Duration.ofMillis(200)), null, System::nanoTime);

    assertThat(report.ok()).isEqualTo(50);
    assertThat(fake.predictCalls.get()).isGreaterThan(50);
  }

  @Test
  void run_unreachableServer_countsUnavailable() throws Exception {
    FakeCanopy fake = new FakeCanopy();
    String target = fake.target();
    fake.close();
    ManagedChannel channel = cleanup.register(GrpcTransports.channel(target, 1 << 20));
    Target floor = GrpcTargets.floor(channel, Duration.ofSeconds(5));

    Report report = BenchRun.run(floor, closed(1, 5, Duration.ZERO), null, System::nanoTime);

    assertThat(report.ok()).isZero();
    assertThat(report.errors()).containsEntry("UNAVAILABLE", 5L);
    assertThat(report.toJson()).contains("\"p50\":null");
  }
}
