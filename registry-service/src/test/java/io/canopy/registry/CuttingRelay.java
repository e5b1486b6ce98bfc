package io.canopy.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on a free loopback port in front of a server. A test arms a hold: the next bytes in
 * one direction stop after a count until the test cuts the connection, so a transfer is caught
 * midway (then the test kills the server) deterministically, as a server dying mid-request would
 * leave it. When the server is down, connections are accepted and closed at once.
 */
public final class CuttingRelay implements AutoCloseable {

  /** Which way the held bytes flow. */
  public enum Direction {
    /** client to server: a request body (an upload) */
    REQUEST,
    /** server to client: a response body (a download) */
    RESPONSE
  }

  private final int target;
  private final ServerSocket listener;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile Hold hold;

  private CuttingRelay(int target) throws IOException {
    this.target = target;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::accept, "relay-accept");
    accept.setDaemon(true);
    accept.start();
  }

  public static CuttingRelay to(int targetPort) {
    try {
      return new CuttingRelay(targetPort);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + listener.getLocalPort());
  }

  /** The next {@code afterBytes} bytes flowing {@code direction} pass; then that flow stops. */
  public Hold holdAfter(Direction direction, long afterBytes) {
    Hold h = new Hold(direction, afterBytes);
    hold = h;
    return h;
  }

  private void accept() {
    while (!listener.isClosed()) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return;
      }
      Socket server = new Socket();
      try {
        server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target), 2000);
      } catch (IOException down) {
        closeQuietly(client); // like a refused connection, one step later
        closeQuietly(server);
        continue;
      }
      open.add(client);
      open.add(server);
      pump(client, server, Direction.REQUEST);
      pump(server, client, Direction.RESPONSE);
    }
  }

  private void pump(Socket from, Socket to, Direction direction) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[64 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                  Hold h = hold;
                  if (h != null && h.direction == direction) {
                    long allowed = h.allowance(n);
                    out.write(buffer, 0, (int) allowed);
                    out.flush();
                    if (allowed < n || h.exhausted()) {
                      hold = null;
                      h.reached.countDown();
                      h.cut.await(60, TimeUnit.SECONDS);
                      break;
                    }
                  } else {
                    out.write(buffer, 0, n);
                    out.flush();
                  }
                }
              } catch (IOException | InterruptedException e) {
                // the other side went away
              } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
              }
            },
            "relay-" + direction.name().toLowerCase(java.util.Locale.ROOT));
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() throws IOException {
    Hold h = hold;
    if (h != null) {
      h.cut();
    }
    listener.close();
    open.forEach(CuttingRelay::closeQuietly);
  }

  /** One armed hold. */
  public static final class Hold {
    private final Direction direction;
    private final AtomicLong left;
    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch cut = new CountDownLatch(1);

    private Hold(Direction direction, long afterBytes) {
      this.direction = direction;
      this.left = new AtomicLong(afterBytes);
    }

    private long allowance(int n) {
      long before = left.getAndAdd(-n);
      return Math.max(0, Math.min(n, before));
    }

    private boolean exhausted() {
      return left.get() <= 0;
    }

    /** Waits until the flow has stopped at the hold. */
    public void awaitReached(Duration bound) throws InterruptedException {
      if (!reached.await(bound.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(direction + " never reached the hold");
      }
    }

    /** Closes the held connection (both ways). */
    public void cut() {
      cut.countDown();
    }
  }
}
