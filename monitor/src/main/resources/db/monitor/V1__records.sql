-- Prediction records and outcomes, the monitor's input. Portable SQL: SQLite (the embedded
-- default, a file under .canopy/) and PostgreSQL run the same schema. Times are epoch millis.

-- One row per predicted row and version (a shadow copy is its own row). The key makes a record
-- written twice (hedged or retried calls, a redelivered Kafka message) count once.
CREATE TABLE predictions (
  model        VARCHAR(128) NOT NULL,
  request_id   VARCHAR(128) NOT NULL,
  row_index    INTEGER NOT NULL,
  version      BIGINT NOT NULL,
  predicted_at BIGINT NOT NULL,
  record       BYTEA NOT NULL,          -- canopy.monitor.v1.PredictionRecord
  PRIMARY KEY (model, request_id, row_index, version)
);
CREATE INDEX predictions_by_version_time ON predictions (model, version, predicted_at);
CREATE INDEX predictions_by_time ON predictions (predicted_at);

-- The last outcome reported for a predicted row (a later report replaces an earlier one).
CREATE TABLE outcomes (
  model       VARCHAR(128) NOT NULL,
  request_id  VARCHAR(128) NOT NULL,
  row_index   INTEGER NOT NULL,
  label       BIGINT,                   -- classifiers; NULL when observed is set
  observed    DOUBLE PRECISION,         -- regression and count models; NULL when label is set
  observed_at BIGINT NOT NULL,
  received_at BIGINT NOT NULL,
  PRIMARY KEY (model, request_id, row_index)
);
CREATE INDEX outcomes_by_time ON outcomes (model, received_at);
CREATE INDEX outcomes_by_age ON outcomes (received_at);
