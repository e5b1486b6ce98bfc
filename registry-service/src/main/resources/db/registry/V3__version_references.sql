-- A version's reference sample (canopy register --reference): rows like its training data, the
-- baseline the monitor measures its drift against. One per version; a new one replaces it.
CREATE TABLE version_references (
  model    VARCHAR(128) NOT NULL,
  version  BIGINT NOT NULL,
  num_rows INTEGER NOT NULL,
  sample   BYTEA NOT NULL,   -- canopy.registry.v1.ReferenceSample
  PRIMARY KEY (model, version),
  FOREIGN KEY (model, version) REFERENCES versions (model, version) ON DELETE CASCADE
);
