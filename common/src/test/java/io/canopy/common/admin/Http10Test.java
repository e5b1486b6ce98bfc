package io.canopy.common.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.config.Listen;
import io.canopy.common.tls.ServerTls;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** HTTP/1.0 health checks on an admin port (HAProxy's default check): answered, then closed. */
class Http10Test {

  private final AtomicBoolean ready = new AtomicBoolean(true);
  private AdminServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private String exchange(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      return new String(
          socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII); // until closed
    }
  }

  @Test
  void http10_healthAnswersReadiness_otherPaths505_http11Untouched() throws Exception {
    server =
        new AdminServer(
                new AdminSettings(new Listen("127.0.0.1", 0), 65536, ServerTls.PLAINTEXT),
                "test",
                ready::get)
            .start();

    // Before: the connection was dropped without a byte.
    assertThat(exchange("OPTIONS / HTTP/1.0\r\n\r\n"))
        .startsWith("HTTP/1.0 200")
        .contains("\"UP\"");
    ready.set(false);
    assertThat(exchange("GET /observe/health HTTP/1.0\r\n\r\n"))
        .startsWith("HTTP/1.0 503")
        .contains("\"DOWN\"");
    assertThat(exchange("GET /observe/metrics HTTP/1.0\r\n\r\n")).startsWith("HTTP/1.0 505");
    assertThat(exchange("GET /observe/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
        .startsWith("HTTP/1.1 503");
  }
}
