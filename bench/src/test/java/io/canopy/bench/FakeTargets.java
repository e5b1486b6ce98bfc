package io.canopy.bench;

import java.util.concurrent.CountDownLatch;

/**
 * Not a test: serves the test fakes (gRPC Predict/KServe/features + health, and the fake HTTP
 * front) on loopback ports until killed, to try the README's h2load/wrk/hey recipes without a
 * Canopy deployment. Prints {@code grpc=HOST:PORT http=URL}.
 */
public final class FakeTargets {

  private FakeTargets() {}

  public static void main(String[] args) throws Exception {
    try (FakeCanopy grpc = new FakeCanopy();
        FakeHttpGateway http = new FakeHttpGateway(0)) {
      System.out.println("grpc=" + grpc.target() + " http=" + http.base());
      System.out.flush();
      new CountDownLatch(1).await();
    }
  }
}
