package io.canopy.registry.upload;

import io.canopy.common.error.CanopyException;
import io.canopy.proto.registry.v1.ModelFormat;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.UploadVersionHeader;
import io.canopy.proto.registry.v1.VersionState;
import io.canopy.registry.metrics.RegistryMetrics;
import io.canopy.registry.metrics.RegistryMetrics.UploadOutcome;
import io.canopy.registry.store.ArtifactStore;
import io.canopy.registry.store.DiskFull;
import io.canopy.registry.store.MetadataStore;
import io.canopy.registry.validation.ModelValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The life of an uploaded version: staged bytes are checked (non-empty, expected digest, a
 * recognized format; otherwise refused and nothing is kept), recorded as VALIDATING, validated on a
 * bounded pool, then moved into the artifact store and marked READY, or discarded and marked FAILED
 * with the reason.
 */
public final class VersionUploads implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(VersionUploads.class.getName());

  private final MetadataStore store;
  private final ArtifactStore artifacts;
  private final ModelValidator validator;

  /** Below this much free space on the staging disk an upload is refused before it starts. */
  private static final long MIN_FREE_BYTES = 1 << 20;

  private final Path stagingDir;
  private final long maxBytes;
  private final ExecutorService pool;
  private final ScheduledExecutorService retries =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "registry-upload-retries");
            t.setDaemon(true);
            return t;
          });
  private final RegistryMetrics metrics;

  /**
   * @param concurrency how many validations run at once; more wait in line
   */
  public VersionUploads(
      MetadataStore store,
      ArtifactStore artifacts,
      ModelValidator validator,
      Path stagingDir,
      long maxBytes,
      int concurrency,
      RegistryMetrics metrics) {
    this.metrics = metrics;
    this.store = store;
    this.artifacts = artifacts;
    this.validator = validator;
    this.stagingDir = stagingDir;
    this.maxBytes = maxBytes;
    AtomicInteger n = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            concurrency,
            r -> {
              Thread t = new Thread(r, "registry-validation-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts receiving bytes for a (validated) header; NotFound now if the model is missing. */
  public StagedUpload begin(UploadVersionHeader header) {
    if (!header.getCreateModel() && store.findModel(header.getModel()).isEmpty()) {
      throw new CanopyException.NotFound(
          "model '" + header.getModel() + "' does not exist (set create_model to create it)");
    }
    requireSpace();
    return StagedUpload.create(stagingDir, maxBytes);
  }

  /** Refuses an upload up front (nothing recorded) when the staging disk is (nearly) full. */
  private void requireSpace() {
    long usable;
    try {
      usable = Files.getFileStore(stagingDir).getUsableSpace();
    } catch (IOException e) {
      return; // cannot tell: the writes themselves report a full disk
    }
    if (usable < MIN_FREE_BYTES) {
      throw DiskFull.refusal(null);
    }
  }

  /**
   * Finishes an upload whose bytes have all arrived. Throws INVALID_ARGUMENT (keeping nothing) for
   * empty or unrecognized bytes or a digest mismatch; otherwise records the version as VALIDATING
   * and returns a future of its final state.
   */
  public CompletableFuture<ModelVersion> complete(
      StagedUpload upload, UploadVersionHeader header, String actor) {
    StagedFile file;
    try {
      file = upload.finish();
      check(file, header);
    } catch (RuntimeException e) {
      discard(upload, UploadOutcome.REFUSED);
      throw e;
    }
    ModelVersion created;
    try {
      created = store.createVersion(template(file, header), header.getCreateModel(), actor);
    } catch (RuntimeException e) {
      StagedUpload.delete(file.path());
      throw e;
    }
    ValidationTask task = new ValidationTask(created, file, header);
    try {
      pool.execute(task);
    } catch (RejectedExecutionException e) {
      task.abandon();
    }
    return task.result;
  }

  /** Drops an upload that ended before it was recorded (refused or cancelled). */
  public void discard(StagedUpload upload, UploadOutcome outcome) {
    if (upload.discard()) {
      metrics.uploadFinished(outcome, upload.size());
    }
  }

  private static void check(StagedFile file, UploadVersionHeader header) {
    if (file.size() == 0) {
      throw new CanopyException.InvalidArgument("chunk", "the upload is empty");
    }
    String expected = header.getExpectedSha256();
    if (!expected.isEmpty() && !expected.equals(file.sha256())) {
      throw new CanopyException.InvalidArgument(
          "header.expected_sha256", "the received bytes hash to " + file.sha256());
    }
    if (file.format() == ModelFormat.MODEL_FORMAT_UNSPECIFIED) {
      throw new CanopyException.InvalidArgument(
          "chunk",
          "the bytes are not a model in a known format (XGBoost UBJ or JSON, LightGBM text)");
    }
    if (header.getFormat() != ModelFormat.MODEL_FORMAT_UNSPECIFIED
        && header.getFormat() != file.format()) {
      throw new CanopyException.InvalidArgument(
          "header.format",
          "declared " + header.getFormat() + " but the bytes are " + file.format());
    }
  }

  private static ModelVersion template(StagedFile file, UploadVersionHeader header) {
    ModelVersion.Builder v =
        ModelVersion.newBuilder()
            .setModel(header.getModel())
            .setSha256(file.sha256())
            .setSizeBytes(file.size())
            .setFormat(file.format())
            .setDescription(header.getDescription())
            .putAllLabels(header.getLabelsMap());
    if (header.hasInputBinding()) {
      v.setInputBinding(header.getInputBinding());
    }
    return v.build();
  }

  private static ModelVersion failed(String reason) {
    return ModelVersion.newBuilder()
        .setState(VersionState.VERSION_STATE_FAILED)
        .setFailureReason(reason)
        .build();
  }

  /** Validates one version and records the outcome; always completes {@link #result}. */
  private final class ValidationTask implements Runnable {
    final CompletableFuture<ModelVersion> result = new CompletableFuture<>();
    private final ModelVersion version;
    private final StagedFile file;
    private final UploadVersionHeader header;

    ValidationTask(ModelVersion version, StagedFile file, UploadVersionHeader header) {
      this.version = version;
      this.file = file;
      this.header = header;
    }

    @Override
    public void run() {
      boolean interrupted = false;
      ModelVersion outcome;
      long start = System.nanoTime();
      try {
        ModelVersion probed = validator.validate(file.path(), file.format());
        metrics.validated(Duration.ofNanos(System.nanoTime() - start));
        outcome = DeclaredFeatures.reconcile(probed, header);
      } catch (InterruptedException e) {
        interrupted = true; // restored below, after the outcome is recorded
        outcome = failed("the registry shut down during validation");
      } catch (RuntimeException e) {
        LOG.log(
            Level.WARNING,
            "validation of " + version.getModel() + "/" + version.getVersion() + " could not run",
            e);
        outcome = failed("validation could not run; see the registry log");
      }
      try {
        record(outcome);
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }

    /**
     * Records the outcome. When the store has no space, the version would stay VALIDATING (which
     * also blocks deleting its model): the client is told so, and the version is marked FAILED as
     * soon as the store can write again (or at the next start, if the registry stops first).
     */
    private ModelVersion completeOrRetry(ModelVersion outcome) {
      try {
        return store.completeValidation(version.getModel(), version.getVersion(), outcome);
      } catch (CanopyException.ResourceExhausted e) {
        retries.schedule(this::failForSpace, 1, TimeUnit.SECONDS);
        throw new CanopyException.ResourceExhausted(
            "the registry's storage is full: version "
                + version.getVersion()
                + " of '"
                + version.getModel()
                + "' was recorded as VALIDATING but could not be completed;"
                + " it will be marked FAILED once space returns. Free space and upload again");
      }
    }

    private void failForSpace() {
      try {
        store.completeValidation(
            version.getModel(),
            version.getVersion(),
            failed("the registry's storage was full when this version was uploaded"));
      } catch (CanopyException.ResourceExhausted e) {
        retries.schedule(this::failForSpace, 1, TimeUnit.SECONDS);
      } catch (RuntimeException e) {
        LOG.log(
            Level.WARNING,
            "cannot mark "
                + version.getModel()
                + "/"
                + version.getVersion()
                + " FAILED; it will be at the next start",
            e);
      }
    }

    /** Completes the version as FAILED without validating (the pool is shutting down). */
    void abandon() {
      record(failed("the registry shut down before validation"));
    }

    /**
     * Stores the artifact of a valid version, then records the outcome: READY only once the store
     * has the whole artifact. A store that cannot be reached fails the version (its number is
     * spent, never reused) and the call with UNAVAILABLE, so the client uploads again.
     */
    private void record(ModelVersion outcome) {
      ModelVersion finalOutcome = outcome;
      CanopyException.Unavailable storeDown = null;
      try {
        if (outcome.getState() == VersionState.VERSION_STATE_READY) {
          try {
            artifacts.put(file.path(), file.sha256());
          } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot store artifact " + file.sha256(), e);
            finalOutcome = failed("the artifact could not be stored; see the registry log");
          } catch (CanopyException.Unavailable e) {
            LOG.log(Level.WARNING, "cannot reach the artifact store for " + file.sha256(), e);
            finalOutcome =
                failed("the artifact store could not be reached; nothing was stored; upload again");
            storeDown = e;
          }
        }
        ModelVersion completed = completeOrRetry(finalOutcome);
        metrics.uploadFinished(
            completed.getState() == VersionState.VERSION_STATE_READY
                ? UploadOutcome.READY
                : UploadOutcome.FAILED,
            file.size());
        if (storeDown != null) {
          result.completeExceptionally(storeDown);
        } else {
          result.complete(completed);
        }
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      } finally {
        StagedUpload.delete(file.path());
      }
    }
  }

  /** Stops validating: running validations are interrupted (children killed) and recorded. */
  @Override
  public void close() {
    retries.shutdownNow(); // versions still VALIDATING are failed at the next start
    for (Runnable queued : pool.shutdownNow()) {
      ((ValidationTask) queued).abandon();
    }
    try {
      if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.warning("validations still running after 30s of shutdown");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    validator.close();
  }
}
