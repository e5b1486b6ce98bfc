-- Artifacts kept in the database itself (registry.artifacts.backend: postgresql), for
-- registries that share nothing but the database. Content-addressed like the directory store;
-- the bytes are split into rows of at most 1 MiB so neither side ever holds a whole model.
-- Portable like V1: on SQLite the tables exist but stay empty.

CREATE TABLE artifacts (
  sha256     CHAR(64) PRIMARY KEY,
  size_bytes BIGINT NOT NULL,
  chunks     INTEGER NOT NULL
);

CREATE TABLE artifact_chunks (
  sha256 CHAR(64) NOT NULL REFERENCES artifacts (sha256) ON DELETE CASCADE,
  seq    INTEGER NOT NULL,           -- 0, 1, 2, ... in file order
  data   BYTEA NOT NULL,
  PRIMARY KEY (sha256, seq)
);
