-- Registry metadata. Portable SQL: the same file runs on SQLite and PostgreSQL, so no
-- vendor types and no identity columns (sequence numbers come from the counters table,
-- whose row lock also makes revisions commit in order on PostgreSQL). Times are epoch millis.

CREATE TABLE counters (
  name  VARCHAR(32) PRIMARY KEY,
  value BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('revision', 0);
INSERT INTO counters (name, value) VALUES ('audit', 0);

CREATE TABLE models (
  name         VARCHAR(128) PRIMARY KEY,
  description  TEXT NOT NULL,
  details      TEXT NOT NULL,          -- JSON of the Model's labels
  creator      VARCHAR(256) NOT NULL,
  create_time  BIGINT NOT NULL,
  update_time  BIGINT NOT NULL,
  last_version BIGINT NOT NULL         -- highest version number ever allocated; never decreases
);

CREATE TABLE versions (
  model          VARCHAR(128) NOT NULL REFERENCES models (name) ON DELETE CASCADE,
  version        BIGINT NOT NULL,
  state          VARCHAR(16) NOT NULL, -- VALIDATING | READY | FAILED | ARCHIVED
  failure_reason TEXT NOT NULL,
  sha256         CHAR(64) NOT NULL,
  size_bytes     BIGINT NOT NULL,
  format         VARCHAR(8) NOT NULL,  -- UBJ | JSON
  objective      VARCHAR(128) NOT NULL,
  num_features   INTEGER NOT NULL,
  num_trees      INTEGER NOT NULL,
  num_classes    INTEGER NOT NULL,
  details        TEXT NOT NULL,        -- JSON: feature names/types, input binding, labels
  description    TEXT NOT NULL,
  creator        VARCHAR(256) NOT NULL,
  create_time    BIGINT NOT NULL,
  update_time    BIGINT NOT NULL,
  PRIMARY KEY (model, version)
);
CREATE INDEX versions_sha256 ON versions (sha256);
CREATE INDEX versions_state ON versions (model, state);

CREATE TABLE aliases (
  model   VARCHAR(128) NOT NULL,
  alias   VARCHAR(128) NOT NULL,
  version BIGINT NOT NULL,
  PRIMARY KEY (model, alias),
  FOREIGN KEY (model, version) REFERENCES versions (model, version) ON DELETE CASCADE
);

CREATE TABLE traffic_policies (
  model  VARCHAR(128) PRIMARY KEY REFERENCES models (name) ON DELETE CASCADE,
  policy TEXT NOT NULL                 -- JSON of the TrafficPolicy
);

-- Every committed change, in revision order: what WatchModels streams and resumes from.
CREATE TABLE changes (
  revision    BIGINT PRIMARY KEY,
  kind        VARCHAR(24) NOT NULL,    -- MODEL_UPSERTED | MODEL_DELETED | VERSION_UPSERTED
  model       VARCHAR(128) NOT NULL,
  version     BIGINT NOT NULL,         -- 0 for model-level changes
  change_time BIGINT NOT NULL
);

CREATE TABLE audit_events (
  id         BIGINT PRIMARY KEY,
  actor      VARCHAR(256) NOT NULL,
  action     VARCHAR(64) NOT NULL,
  model      VARCHAR(128) NOT NULL,
  version    BIGINT NOT NULL,
  detail     TEXT NOT NULL,
  event_time BIGINT NOT NULL
);
CREATE INDEX audit_events_model ON audit_events (model, id);
