package io.canopy.common.admin;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ProtocolConfigs;
import io.helidon.webserver.spi.ProtocolConfig;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import io.helidon.webserver.spi.ServerConnectionSelectorProvider;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;

/**
 * HTTP/1.0, which Helidon does not speak (it dropped such connections without a word), for the
 * health checks that use it: HAProxy's default check is {@code OPTIONS / HTTP/1.0}. Every Helidon
 * listener of Canopy adds it ({@code addProtocol(new Http10.Config(ready))}): the admin ports and
 * the gateway's HTTP port. A request to {@code /}, {@code /observe/health} or under it answers the
 * gateway's readiness (200 or 503); any other gets 505 asking for HTTP/1.1. One request per
 * connection, then it closes.
 */
public final class Http10 {

  private static final byte[] VERSION = " HTTP/1.0\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_LINE = 4096;
  private static final int MAX_HEADER_LINES = 100;

  private Http10() {}

  /** The protocol's settings: what readiness to report. */
  public record Config(BooleanSupplier ready) implements ProtocolConfig {
    @Override
    public String name() {
      return "http_1_0";
    }

    @Override
    public String type() {
      return "http_1_0";
    }
  }

  /** Found by Helidon's service loader (META-INF/services). */
  public static final class Provider implements ServerConnectionSelectorProvider<Config> {
    @Override
    public Class<Config> protocolConfigType() {
      return Config.class;
    }

    @Override
    public String protocolType() {
      return "http_1_0";
    }

    @Override
    public ServerConnectionSelector create(
        String listenerName, Config config, ProtocolConfigs configs) {
      return new Selector(config.ready());
    }
  }

  private record Selector(BooleanSupplier ready) implements ServerConnectionSelector {
    @Override
    public int bytesToIdentifyConnection() {
      return 0;
    }

    @Override
    public Support supports(BufferData data) {
      int end = -1;
      for (int i = 0; i + 1 < data.available() && i < MAX_LINE; i++) {
        if (data.get(i) == '\r' && data.get(i + 1) == '\n') {
          end = i + 2;
          break;
        }
      }
      if (end < 0) {
        return data.available() >= MAX_LINE ? Support.UNSUPPORTED : Support.UNKNOWN;
      }
      if (end < VERSION.length) {
        return Support.UNSUPPORTED;
      }
      for (int i = 0; i < VERSION.length; i++) {
        if (data.get(end - VERSION.length + i) != VERSION[i]) {
          return Support.UNSUPPORTED;
        }
      }
      return Support.SUPPORTED;
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
      return Set.of();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
      return new Connection(ctx, ready);
    }
  }

  private static final class Connection implements ServerConnection {
    private final ConnectionContext ctx;
    private final BooleanSupplier ready;
    private final long started = System.nanoTime();
    private volatile Thread handler;

    Connection(ConnectionContext ctx, BooleanSupplier ready) {
      this.ctx = ctx;
      this.ready = ready;
    }

    @Override
    public void handle(Semaphore requestSemaphore) {
      answer();
    }

    @Override
    public void handle(Limit limit) {
      answer();
    }

    private void answer() {
      handler = Thread.currentThread();
      DataReader in = ctx.dataReader();
      String requestLine = in.readLine();
      for (int i = 0; i < MAX_HEADER_LINES && !in.readLine().isEmpty(); i++) {
        // headers carry nothing a health check needs
      }
      String[] parts = requestLine.split(" ");
      String path = parts.length == 3 ? parts[1] : "";
      String reply;
      if (path.equals("/")
          || path.equals("/observe/health")
          || path.startsWith("/observe/health/")) {
        boolean up = ready.getAsBoolean();
        reply =
            response(
                up ? "200 OK" : "503 Service Unavailable",
                "{\"status\":\"" + (up ? "UP" : "DOWN") + "\"}");
      } else {
        reply =
            response(
                "505 HTTP Version Not Supported",
                "{\"error\":\"HTTP/1.0 is answered for health checks (/, /observe/health) only; use HTTP/1.1\"}");
      }
      ctx.dataWriter().writeNow(BufferData.create(reply.getBytes(StandardCharsets.US_ASCII)));
    }

    private static String response(String status, String body) {
      return "HTTP/1.0 "
          + status
          + "\r\nContent-Type: application/json\r\nContent-Length: "
          + body.length()
          + "\r\nConnection: close\r\n\r\n"
          + body;
    }

    @Override
    public Duration idleTime() {
      return Duration.ofNanos(System.nanoTime() - started);
    }

    /**
     * Helidon's idle check (idle-timeout) ends a connection whose client never finished its
     * request: interrupting the virtual thread blocked in the socket read closes the socket.
     */
    @Override
    public void close(boolean interrupt) {
      Thread thread = handler;
      if (thread != null) {
        thread.interrupt();
      }
    }
  }
}
