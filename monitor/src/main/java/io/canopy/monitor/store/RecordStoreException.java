package io.canopy.monitor.store;

/** The record store could not read or write (the database is down, full or corrupt). */
public final class RecordStoreException extends RuntimeException {
  public RecordStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
