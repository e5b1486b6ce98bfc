package io.canopy.common.process;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What a server opened while it started, closed newest first: the wiring pushes each part as it
 * opens it, so a start that fails half-way closes exactly what it opened, and a close stops the
 * parts in reverse dependency order. One part failing to close does not keep the others open.
 */
public final class Resources implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(Resources.class.getName());

  private final String owner;
  private final Deque<AutoCloseable> opened = new ArrayDeque<>();

  /**
   * @param owner the service, for the log line when a part fails to close
   */
  public Resources(String owner) {
    this.owner = owner;
  }

  /** Records {@code resource} as opened; returns it, for wiring in one expression. */
  public synchronized <T extends AutoCloseable> T push(T resource) {
    opened.push(resource);
    return resource;
  }

  /** Closes everything pushed, newest first; idempotent. */
  @Override
  public void close() {
    while (true) {
      AutoCloseable next;
      synchronized (this) {
        next = opened.poll();
      }
      if (next == null) {
        return;
      }
      try {
        next.close();
      } catch (Exception e) {
        LOG.log(Level.WARNING, "error while stopping the " + owner, e);
      }
    }
  }
}
