package io.canopy.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake gateway HTTP front on a loopback port 0 (the JDK's HttpServer): predict and infer answer
 * 200 except every {@code failEvery}-th call, which answers 503; GET /v2/models/{m} reports an
 * input shape [-1, 7]. It records request paths and bodies.
 */
final class FakeHttpGateway implements AutoCloseable {

  final ConcurrentLinkedQueue<String> paths = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<String> bodies = new ConcurrentLinkedQueue<>();
  final AtomicInteger calls = new AtomicInteger();
  final AtomicInteger failures = new AtomicInteger();
  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final int failEvery;

  FakeHttpGateway(int failEvery) throws IOException {
    this.failEvery = failEvery;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String path = exchange.getRequestURI().getRawPath();
      if (exchange.getRequestMethod().equals("GET")) {
        reply(
            exchange,
            200,
            "{\"name\":\"m\",\"inputs\":[{\"name\":\"input-0\",\"datatype\":\"FP32\",\"shape\":[-1,7]}]}");
        return;
      }
      paths.add(path);
      bodies.add(body);
      int call = calls.incrementAndGet();
      if (failEvery > 0 && call % failEvery == 0) {
        failures.incrementAndGet();
        reply(exchange, 503, "{\"error\":\"overloaded\"}");
      } else {
        reply(exchange, 200, "{\"predictions\":[0.5]}");
      }
    }
  }

  private static void reply(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("content-type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
