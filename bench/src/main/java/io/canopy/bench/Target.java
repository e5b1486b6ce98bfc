package io.canopy.bench;

import java.util.concurrent.CompletableFuture;

/**
 * One request shape the harness drives: each {@link #send()} starts one asynchronous call and
 * completes when its response (or error) arrives, so neither loop needs a thread per request.
 */
interface Target extends AutoCloseable {

  /** Short name used in the report and the plot legend, e.g. {@code predict}. */
  String name();

  /** Rows (or entity keys) each request carries, for the rows/s figure. */
  int rowsPerRequest();

  /** Starts one call; the future fails with the call's error (see {@link Outcomes}). */
  CompletableFuture<?> send();

  /**
   * The first request's body exactly as it goes on the wire (gRPC: the 5-byte length-prefixed
   * message frame; HTTP: the JSON), for driving the same request from h2load, wrk or hey.
   */
  byte[] sampleBody();

  @Override
  default void close() {}
}
