package io.canopy.registry;

/** The storage combinations the contract suites run against. */
public enum Backend {
  /** SQLite metadata and the content-addressed directory: the embedded default. */
  SQLITE_DIRECTORY,
  /** PostgreSQL metadata and PostgreSQL artifacts, on the server at 127.0.0.1:5432. */
  POSTGRESQL,
  /** SQLite metadata and artifacts in a bucket of an S3 API server (S3Proxy) the test starts. */
  SQLITE_S3
}
