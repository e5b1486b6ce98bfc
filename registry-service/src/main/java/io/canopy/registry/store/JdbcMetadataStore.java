package io.canopy.registry.store;

import io.canopy.common.error.CanopyException;
import io.canopy.proto.registry.v1.AuditEvent;
import io.canopy.proto.registry.v1.Model;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.ReferenceSample;
import io.canopy.proto.registry.v1.TrafficPolicy;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link MetadataStore} on JDBC with portable SQL (SQLite and PostgreSQL share the schema and every
 * query). After every committed mutation it runs {@code onCommit}, which wakes watchers; it never
 * waits for them.
 */
public final class JdbcMetadataStore implements MetadataStore {

  /** How often a store that ran out of space tries a write to see whether it can again. */
  private static final java.time.Duration PROBE_INTERVAL = java.time.Duration.ofSeconds(1);

  private final Database db;
  private final Clock clock;
  private final Runnable onCommit;

  private JdbcMetadataStore(Database db, Clock clock, Runnable onCommit) {
    this.db = db;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.onCommit = Objects.requireNonNull(onCommit, "onCommit");
  }

  /** Opens (creating and migrating as needed) a SQLite database file. */
  public static JdbcMetadataStore sqlite(Path file, Clock clock, Runnable onCommit) {
    return new JdbcMetadataStore(Database.sqlite(file, health()), clock, onCommit);
  }

  /** Connects to PostgreSQL, migrating the schema named in {@code settings} as needed. */
  public static JdbcMetadataStore postgres(
      PostgresSettings settings, Clock clock, Runnable onCommit) {
    return new JdbcMetadataStore(Database.postgres(settings, health()), clock, onCommit);
  }

  private static StoreHealth health() {
    return new StoreHealth(PROBE_INTERVAL, System::nanoTime);
  }

  /**
   * An artifact store in this same database (chunked rows), for registries that share nothing but
   * the database. It lives and dies with this store.
   */
  public ArtifactStore artifactsInDatabase() {
    return new JdbcArtifactStore(db);
  }

  private <T> T write(SqlWork<T> work) {
    T result = db.inTransaction(work);
    onCommit.run();
    return result;
  }

  private long now() {
    return clock.millis();
  }

  @Override
  public Model createModel(
      String name, String description, Map<String, String> labels, String actor) {
    return write(c -> ModelWrites.create(c, name, description, labels, actor, now()));
  }

  @Override
  public Optional<Model> findModel(String name) {
    return db.read(c -> ModelReader.find(c, name));
  }

  @Override
  public List<Model> listModels(String afterName, int limit) {
    return db.read(c -> ModelReader.page(c, afterName, limit));
  }

  @Override
  public List<String> deleteModel(String name, String actor) {
    return write(c -> ModelWrites.delete(c, name, actor, now()));
  }

  @Override
  public ModelVersion createVersion(ModelVersion upload, boolean createModel, String actor) {
    try {
      return write(c -> VersionWrites.create(c, upload, createModel, actor, now()));
    } catch (CanopyException.AlreadyExists e) {
      // Two first uploads raced to create the model; now it exists, so this one just adds to it.
      if (!createModel) {
        throw e;
      }
      return write(c -> VersionWrites.create(c, upload, true, actor, now()));
    }
  }

  @Override
  public ModelVersion completeValidation(String model, long version, ModelVersion outcome) {
    return write(c -> VersionWrites.complete(c, model, version, outcome, now()));
  }

  @Override
  public Optional<ModelVersion> findVersion(String model, long version) {
    return db.read(c -> VersionReader.find(c, model, version));
  }

  @Override
  public List<ModelVersion> listVersions(String model, long beforeVersion, int limit) {
    return db.read(
        c -> {
          if (!ModelReader.exists(c, model)) {
            throw new CanopyException.NotFound("model '" + model + "' does not exist");
          }
          return VersionReader.page(c, model, beforeVersion, limit);
        });
  }

  @Override
  public ModelVersion archiveVersion(String model, long version, String actor) {
    return write(c -> VersionWrites.archive(c, model, version, actor, now()));
  }

  @Override
  public Model setAlias(String model, String alias, long version, String actor) {
    return write(c -> ModelWrites.setAlias(c, model, alias, version, actor, now()));
  }

  @Override
  public Model deleteAlias(String model, String alias, String actor) {
    return write(c -> ModelWrites.deleteAlias(c, model, alias, actor, now()));
  }

  @Override
  public Model setTrafficPolicy(String model, TrafficPolicy policy, String actor) {
    return write(c -> ModelWrites.setPolicy(c, model, policy, actor, now()));
  }

  @Override
  public int setReference(String model, long version, ReferenceSample sample, String actor) {
    return write(c -> References.set(c, model, version, sample, actor, now()));
  }

  @Override
  public Optional<ReferenceSample> findReference(String model, long version) {
    return db.read(c -> References.find(c, model, version));
  }

  @Override
  public List<AuditEvent> listAuditEvents(String model, long beforeId, int limit) {
    return db.read(c -> Journal.auditPage(c, model, beforeId, limit));
  }

  @Override
  public Snapshot snapshot() {
    // A transaction, so the revision, models and versions are one consistent view.
    return db.consistentRead(
        c ->
            new Snapshot(
                Journal.currentRevision(c), ModelReader.all(c), VersionReader.allNotArchived(c)));
  }

  @Override
  public long currentRevision() {
    return db.read(Journal::currentRevision);
  }

  @Override
  public List<Change> changesAfter(long revision, int limit) {
    return db.read(c -> Journal.changesAfter(c, revision, limit));
  }

  @Override
  public boolean canResumeAfter(long revision) {
    return db.read(
        c -> {
          long current = Journal.currentRevision(c);
          if (revision > current) {
            return false; // the client saw revisions this registry never had
          }
          long first = Journal.firstRetainedRevision(c);
          return revision == current || (first > 0 && first <= revision + 1);
        });
  }

  @Override
  public int failUnfinishedValidations(String reason) {
    return write(c -> VersionWrites.failUnfinished(c, reason, now()));
  }

  @Override
  public boolean isArtifactReferenced(String sha256) {
    return db.read(
        c ->
            Sql.queryOne(c, "SELECT 1 FROM versions WHERE sha256 = ?", rs -> true, sha256)
                .isPresent());
  }

  @Override
  public boolean isOpen() {
    return db.isOpen();
  }

  @Override
  public boolean isWritable() {
    return db.isOpen() && db.writable();
  }

  @Override
  public void close() {
    db.close();
  }
}
