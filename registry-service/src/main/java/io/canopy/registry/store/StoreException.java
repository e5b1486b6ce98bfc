package io.canopy.registry.store;

/** The metadata database failed (I/O, corruption, a bug in SQL). Maps to INTERNAL. */
public final class StoreException extends RuntimeException {
  StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
