package io.canopy.common.tls;

import io.canopy.bench.measure.Samples;
import io.canopy.common.config.Listen;
import io.canopy.common.grpc.GrpcLimits;
import io.canopy.common.grpc.GrpcServer;
import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.testing.TestCertificates;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Figures for the closing note, not a test (performance is never asserted): what TLS costs a unary
 * call on an open connection and a first call on a new connection, each as a ratio to plaintext
 * measured in the same run, rounds interleaved. Run after {@code mvn -o -q test-compile -pl
 * common}:
 *
 * <pre>
 * java -cp common/target/test-classes:common/target/classes:$(cat /tmp/common.cp) io.canopy.common.tls.TlsMeasurements
 * </pre>
 */
final class TlsMeasurements {

  private static final int CALLS = 2_000;
  private static final int CONNECTIONS = 30;
  private static final int ROUNDS = 3;

  public static void main(String[] args) throws Exception {
    TestCertificates certs = TestCertificates.create(Files.createTempDirectory("tls-measure"));
    GrpcServer plain = server(ServerTls.PLAINTEXT);
    GrpcServer tls = server(certs.serverTls());
    for (int round = 0; round < ROUNDS; round++) {
      double plainCall = medianCallNanos(plain.port(), ClientTls.PLAINTEXT);
      double tlsCall = medianCallNanos(tls.port(), certs.clientTls());
      double plainFirst = medianFirstCallNanos(plain.port(), ClientTls.PLAINTEXT);
      double tlsFirst = medianFirstCallNanos(tls.port(), certs.clientTls());
      System.out.printf(
          "round %d: unary call p50 plaintext %.0f us, TLS %.0f us (x%.2f);"
              + " first call on a new connection p50 plaintext %.0f us, TLS %.0f us (x%.2f)%n",
          round,
          plainCall / 1e3,
          tlsCall / 1e3,
          tlsCall / plainCall,
          plainFirst / 1e3,
          tlsFirst / 1e3,
          tlsFirst / plainFirst);
    }
    plain.close();
    tls.close();
    System.exit(0);
  }

  private static GrpcServer server(ServerTls tls) {
    return new GrpcServer(
            GrpcTransports.server(new Listen("127.0.0.1", 0), GrpcLimits.DEFAULTS, tls),
            List.of(),
            List.of())
        .start();
  }

  private static double medianCallNanos(int port, ClientTls tls) {
    ManagedChannel channel = GrpcTransports.channel("127.0.0.1:" + port, 1 << 20, tls);
    var stub = HealthGrpc.newBlockingStub(channel);
    for (int i = 0; i < 500; i++) {
      stub.withDeadlineAfter(10, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance());
    }
    long[] nanos = new long[CALLS];
    for (int i = 0; i < CALLS; i++) {
      long start = System.nanoTime();
      stub.withDeadlineAfter(10, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance());
      nanos[i] = System.nanoTime() - start;
    }
    channel.shutdownNow();
    return median(nanos);
  }

  private static double medianFirstCallNanos(int port, ClientTls tls) throws InterruptedException {
    long[] nanos = new long[CONNECTIONS];
    for (int i = 0; i < CONNECTIONS; i++) {
      long start = System.nanoTime();
      ManagedChannel channel = GrpcTransports.channel("127.0.0.1:" + port, 1 << 20, tls);
      HealthGrpc.newBlockingStub(channel)
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .check(HealthCheckRequest.getDefaultInstance());
      nanos[i] = System.nanoTime() - start;
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    return median(nanos);
  }

  private static double median(long[] values) {
    return Samples.of(values).nanos(50);
  }
}
