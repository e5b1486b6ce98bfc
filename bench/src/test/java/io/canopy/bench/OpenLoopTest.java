package io.canopy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.common.testing.ProcessSuite;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@ProcessSuite
class OpenLoopTest {

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();

  private static LoadShape open(double rate, int maxOutstanding, long requests) {
    return new LoadShape(
        1,
        rate,
        maxOutstanding,
        Duration.ZERO,
        Duration.ofSeconds(20),
        requests,
        Duration.ofSeconds(10));
  }

  private Target predict(FakeCanopy fake) {
    ManagedChannel channel = cleanup.register(GrpcTransports.channel(fake.target(), 1 << 20));
    return GrpcTargets.predict(
        channel,
        new ModelRef("m", 3L, null),
        null,
        Payload.generated(4, 1),
        1,
        Duration.ofSeconds(10));
  }

  @Test
  void run_serverStallsOnce_stallShowsInTheCallsThatWaitedBehindIt() throws Exception {
    // One call in flight at a time: while call 5 stalls for 500 ms, the 24 calls due 1..25 ms
    // after it cannot be sent. Measured from their intended send time they show the wait (at
    // least 475 ms each); measured from the actual send (coordinated omission) only call 5 would.
    FakeCanopy fake = cleanup.register(new FakeCanopy()).stallOnce(5, 500);

    Report report = BenchRun.run(predict(fake), open(1000, 1, 30), null, System::nanoTime);

    assertThat(report.ok()).isEqualTo(30);
    long slowCalls =
        report
            .latencies()
            .getCountBetweenValues(
                TimeUnit.MILLISECONDS.toNanos(400), LatencyRecorder.HIGHEST_NANOS);
    assertThat(slowCalls).isGreaterThanOrEqualTo(20);
  }

  @Test
  void run_fixedRate_sendsOnScheduleNotAsFastAsPossible() throws Exception {
    FakeCanopy fake = cleanup.register(new FakeCanopy());
    long start = System.nanoTime();

    Report report = BenchRun.run(predict(fake), open(200, 100, 100), null, System::nanoTime);

    // call 99 is due 99/200 s after the start: no run of 100 calls can end sooner
    assertThat(System.nanoTime() - start)
        .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(495));
    assertThat(report.ok()).isEqualTo(100);
    assertThat(fake.predicts.peek().getVersion()).isEqualTo(3);
  }
}
