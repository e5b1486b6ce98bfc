package io.canopy.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JSON POST with prebuilt bodies, cycled, sent with {@link HttpClient#sendAsync}; any status but
 * 200 fails the call with {@link Outcomes.HttpStatusException}. The response body is read and
 * dropped, as a client would read it.
 */
final class HttpTarget extends NamedTarget {

  private final HttpClient client;
  private final List<HttpRequest> requests;
  private final byte[] firstBody;
  private final AtomicInteger next = new AtomicInteger();

  HttpTarget(
      String name,
      int rowsPerRequest,
      HttpClient client,
      URI uri,
      List<String> bodies,
      String token,
      Duration timeout) {
    super(name, rowsPerRequest);
    this.client = client;
    List<HttpRequest> built = new ArrayList<>(bodies.size());
    for (String body : bodies) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(uri)
              .timeout(timeout)
              .header("content-type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body));
      if (token != null) {
        request.header("authorization", "Bearer " + token);
      }
      built.add(request.build());
    }
    this.requests = List.copyOf(built);
    this.firstBody = bodies.get(0).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  public byte[] sampleBody() {
    return firstBody.clone();
  }

  /** Where the requests go. */
  URI uri() {
    return requests.get(0).uri();
  }

  @Override
  public CompletableFuture<?> send() {
    HttpRequest request = requests.get(Math.floorMod(next.getAndIncrement(), requests.size()));
    return client
        .sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .thenApply(
            response -> {
              if (response.statusCode() != 200) {
                throw new CompletionException(
                    new Outcomes.HttpStatusException(response.statusCode()));
              }
              return response;
            });
  }
}
