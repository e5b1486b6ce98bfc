package io.canopy.registry;

/** The storage combinations the contract suites run against. */
public enum Backend {
  /** SQLite metadata and the content-addressed directory: the embedded default. */
  SQLITE_DIRECTORY,
  /** PostgreSQL metadata and PostgreSQL artifacts, on the server at 127.0.0.1:5432. */
  POSTGRESQL
}
