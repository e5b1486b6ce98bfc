package io.canopy.common.testing;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that shuts down registered servers, channels and other closeables after each
 * test, newest first. Use with {@code @RegisterExtension final GrpcCleanup grpc = new
 * GrpcCleanup();}.
 */
public final class GrpcCleanup implements AfterEachCallback {

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();

  public <T extends Server> T register(T server) {
    resources.push(
        () -> {
          server.shutdownNow();
          server.awaitTermination(10, TimeUnit.SECONDS);
        });
    return server;
  }

  public <T extends ManagedChannel> T register(T channel) {
    resources.push(
        () -> {
          channel.shutdownNow();
          channel.awaitTermination(10, TimeUnit.SECONDS);
        });
    return channel;
  }

  public <T extends AutoCloseable> T register(T closeable) {
    resources.push(closeable);
    return closeable;
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    Exception first = null;
    while (!resources.isEmpty()) {
      try {
        resources.pop().close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
