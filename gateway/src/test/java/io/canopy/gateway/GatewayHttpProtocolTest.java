package io.canopy.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.testing.GrpcCleanup;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** HTTP/1.x edge cases on the gateway's port, over raw sockets (issue 13, item 12). */
class GatewayHttpProtocolTest {

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();

  /**
   * Sends {@code request}, then reads until the server closes or 10 s pass; the reply and whether
   * it closed.
   */
  private static Exchange exchange(RunningGateway gw, String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", gw.gateway.httpPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[4096];
      boolean closed = false;
      try {
        int n;
        while ((n = in.read(buf)) >= 0) {
          got.write(buf, 0, n);
        }
        closed = true;
      } catch (SocketTimeoutException stillOpen) {
        // not closed within the bound
      } catch (IOException reset) {
        closed = true;
      }
      return new Exchange(got.toString(StandardCharsets.ISO_8859_1), closed);
    }
  }

  record Exchange(String reply, boolean closed) {}

  @Test
  void connectionClose_theReplyIsSentAndTheSocketClosed() throws Exception {
    RunningGateway gw = cleanup.register(new RunningGateway(Map.of()));

    Exchange e =
        exchange(gw, "GET /observe/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

    // Before: 200, and the socket stayed open (the 10 s bound ended the read).
    assertThat(e.reply()).startsWith("HTTP/1.1 200");
    assertThat(e.closed()).isTrue();
  }

  @Test
  void malformedChunkSize_is400AndClosed() throws Exception {
    RunningGateway gw = cleanup.register(new RunningGateway(Map.of()));

    Exchange e =
        exchange(
            gw,
            "POST /v1/models/iris:predict HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n"
                + "transfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");

    // Before: no reply at all.
    assertThat(e.reply()).startsWith("HTTP/1.1 400").contains("chunked");
    assertThat(e.closed()).isTrue();
  }

  @Test
  void controlCharacterInTheMethod_is400AndClosed() throws Exception {
    RunningGateway gw = cleanup.register(new RunningGateway(Map.of()));

    Exchange e = exchange(gw, "GE\u0001T /observe/health HTTP/1.1\r\nHost: x\r\n\r\n");

    // Before: 500 with an empty body.
    assertThat(e.reply()).startsWith("HTTP/1.1 400").contains("malformed request line");
    assertThat(e.closed()).isTrue();
  }

  @Test
  void http10HealthChecks_areAnswered_otherHttp10Requests505() throws Exception {
    RunningGateway gw = cleanup.register(new RunningGateway(Map.of()));

    // Before: the connection was dropped without a byte.
    Exchange haproxy = exchange(gw, "OPTIONS / HTTP/1.0\r\n\r\n");
    Exchange health = exchange(gw, "GET /observe/health HTTP/1.0\r\nUser-Agent: check\r\n\r\n");
    Exchange other = exchange(gw, "GET /v1/models HTTP/1.0\r\n\r\n");

    assertThat(haproxy.reply()).startsWith("HTTP/1.0 200").contains("UP");
    assertThat(haproxy.closed()).isTrue();
    assertThat(health.reply()).startsWith("HTTP/1.0 200");
    assertThat(other.reply()).startsWith("HTTP/1.0 505").contains("HTTP/1.1");
    // HTTP/1.1 is untouched.
    assertThat(gw.get("/observe/health").statusCode()).isEqualTo(200);
  }
}
