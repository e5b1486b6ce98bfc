package io.canopy.registry.store;

import io.canopy.proto.registry.v1.AuditEvent;
import io.canopy.proto.registry.v1.Model;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.ReferenceSample;
import io.canopy.proto.registry.v1.TrafficPolicy;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registry's metadata: models, versions, aliases, traffic policies, the changes log and the
 * audit log. Every mutation is one transaction that also appends to the changes log and records an
 * audit event; rules that depend on stored state (a version must be READY to be aliased, a
 * referenced model cannot be deleted) are enforced inside that transaction. Failures are {@code
 * CanopyException}s (NotFound, AlreadyExists, FailedPrecondition, Unavailable) or {@link
 * StoreException}.
 */
public interface MetadataStore extends AutoCloseable {

  Model createModel(String name, String description, Map<String, String> labels, String actor);

  Optional<Model> findModel(String name);

  /** Up to {@code limit} models named after {@code afterName} ("" for the start), by name. */
  List<Model> listModels(String afterName, int limit);

  /**
   * Deletes a model and its versions; refused while an alias, a traffic policy or a validation in
   * progress refers to it.
   *
   * @return the sha256 of every deleted version, so unreferenced artifacts can be removed
   */
  List<String> deleteModel(String name, String actor);

  /**
   * Allocates the model's next version number and records it as VALIDATING. Reads model, sha256,
   * size_bytes, format, description, labels and input_binding from {@code upload}.
   *
   * @param createModel create the model first if it does not exist (else NotFound)
   */
  ModelVersion createVersion(ModelVersion upload, boolean createModel, String actor);

  /**
   * Records a validation outcome (READY or FAILED, with the facts read from the file) for a version
   * that is still VALIDATING.
   */
  ModelVersion completeValidation(String model, long version, ModelVersion outcome);

  Optional<ModelVersion> findVersion(String model, long version);

  /** Up to {@code limit} versions below {@code beforeVersion}, newest first; NotFound: no model. */
  List<ModelVersion> listVersions(String model, long beforeVersion, int limit);

  /** READY or FAILED to ARCHIVED; refused while an alias or the traffic policy refers to it. */
  ModelVersion archiveVersion(String model, long version, String actor);

  /** Points {@code alias} at a READY version. */
  Model setAlias(String model, String alias, long version, String actor);

  Model deleteAlias(String model, String alias, String actor);

  /** Replaces the policy (targets must exist and be READY); a policy without splits clears it. */
  Model setTrafficPolicy(String model, TrafficPolicy policy, String actor);

  /** Stores (replacing) a READY version's reference sample; returns its rows. */
  int setReference(String model, long version, ReferenceSample sample, String actor);

  /** A version's reference sample, if it has one. */
  Optional<ReferenceSample> findReference(String model, long version);

  /** Up to {@code limit} audit events with id below {@code beforeId}, newest first. */
  List<AuditEvent> listAuditEvents(String model, long beforeId, int limit);

  /** A consistent view of everything at the current revision. */
  Snapshot snapshot();

  /** The newest committed revision (0 before the first change). */
  long currentRevision();

  /** Up to {@code limit} changes after {@code revision}, in revision order. */
  List<Change> changesAfter(long revision, int limit);

  /** True when every change after {@code revision} is still in the log (a watch can resume). */
  boolean canResumeAfter(long revision);

  /** Marks versions left VALIDATING (by a crash or shutdown) FAILED; returns how many. */
  int failUnfinishedValidations(String reason);

  /** True while any version (in any state) records this artifact. */
  boolean isArtifactReferenced(String sha256);

  boolean isOpen();

  /**
   * False while writes fail for lack of space (the registry is then not ready); checks again with a
   * small write at most once a second, so it turns true by itself once space returns.
   */
  boolean isWritable();

  @Override
  void close();
}
