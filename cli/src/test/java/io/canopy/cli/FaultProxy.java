package io.canopy.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy between hosts that the test can make sick: {@link #delay} adds latency to every chunk
 * each way (a slow link), {@link #resetEvery} resets each connection (RST) that long after it
 * opened (connections reset mid-call), {@link #healthy} restores it. It also carries a service
 * bound to loopback in the root namespace (PostgreSQL, Redis) to the hosts, as a router would. One
 * virtual thread per direction per connection; stops with {@link #close}.
 */
final class FaultProxy implements AutoCloseable {

  private final ServerSocket server;
  private final InetSocketAddress target;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile long delayNanos;
  private volatile long resetAfterNanos;
  private volatile boolean closed;

  private FaultProxy(ServerSocket server, InetSocketAddress target) {
    this.server = server;
    this.target = target;
  }

  /** Listens on {@code host} (port 0) and forwards to {@code target}. */
  static FaultProxy start(String host, InetSocketAddress target) throws IOException {
    ServerSocket server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getByName(host), 0), 128);
    FaultProxy proxy = new FaultProxy(server, target);
    Thread.ofVirtual().name("fault-proxy-accept").start(proxy::accept);
    return proxy;
  }

  /** Where clients connect: host:port. */
  String address() {
    return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
  }

  int port() {
    return server.getLocalPort();
  }

  void delay(long millis) {
    delayNanos = millis * 1_000_000;
  }

  /** Resets every connection {@code millis} after it opened (and each new one after as long). */
  void resetEvery(long millis) {
    resetAfterNanos = millis * 1_000_000;
  }

  void healthy() {
    delayNanos = 0;
    resetAfterNanos = 0;
  }

  private void accept() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      Thread.ofVirtual().name("fault-proxy-conn").start(() -> connect(client));
    }
  }

  private void connect(Socket client) {
    Socket upstream = new Socket();
    try {
      upstream.connect(target, 5_000);
      client.setTcpNoDelay(true);
      upstream.setTcpNoDelay(true);
    } catch (IOException e) {
      reset(client);
      reset(upstream);
      return;
    }
    open.add(client);
    open.add(upstream);
    long opened = System.nanoTime();
    Thread.ofVirtual().start(() -> pump(client, upstream));
    Thread.ofVirtual().start(() -> pump(upstream, client));
    Thread.ofVirtual()
        .start(
            () -> {
              while (!client.isClosed() && !upstream.isClosed()) {
                long after = resetAfterNanos;
                if (after > 0 && System.nanoTime() - opened > after) {
                  reset(client);
                  reset(upstream);
                  return;
                }
                LockSupport.parkNanos(20_000_000);
              }
            });
  }

  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream()) {
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        long delay = delayNanos;
        if (delay > 0) {
          LockSupport.parkNanos(delay);
        }
        out.write(buffer, 0, n);
        out.flush();
      }
      to.shutdownOutput();
    } catch (IOException e) {
      reset(from);
      reset(to);
    }
  }

  /** Closes with a TCP RST, as a middlebox or a crashed peer does. */
  private void reset(Socket s) {
    try {
      s.setSoLinger(true, 0);
    } catch (IOException e) {
      // already closed
    }
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
    open.remove(s);
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    for (Socket s : open) {
      reset(s);
    }
  }
}
