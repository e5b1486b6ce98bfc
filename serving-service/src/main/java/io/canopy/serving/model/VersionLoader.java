package io.canopy.serving.model;

import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.serving.predict.FastPathSettings;
import io.canopy.serving.predict.ModelLoadException;
import io.canopy.serving.predict.Predictor;
import io.canopy.serving.predict.VerifiedModels;
import java.time.Clock;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Turns a READY version's metadata into a warmed-up {@link LoadedVersion}: bytes from the local
 * cache when it holds the sha256, else downloaded (and then cached); verified; loaded; checked
 * against the registry's feature count. Runs on loader threads, never on gRPC threads.
 */
final class VersionLoader {

  private static final Logger LOG = Logger.getLogger(VersionLoader.class.getName());

  private final ArtifactCache cache;
  private final ArtifactDownloader downloader;
  private final int nthread;
  private final FastPathSettings fastPath;
  private final Clock clock;

  /**
   * Verdicts kept for versions loaded again (a budget's evictions): 16,384 models, a few MiB at
   * most.
   */
  private final VerifiedModels verified = new VerifiedModels(16_384);

  VersionLoader(
      ArtifactCache cache,
      ArtifactDownloader downloader,
      int nthread,
      FastPathSettings fastPath,
      Clock clock) {
    this.cache = cache;
    this.downloader = downloader;
    this.nthread = nthread;
    this.fastPath = fastPath;
    this.clock = clock;
  }

  LoadedVersion load(ModelVersion meta) throws LoadFailure {
    String sha256 = meta.getSha256();
    Optional<byte[]> cached = cache.read(sha256);
    byte[] bytes;
    if (cached.isPresent()) {
      bytes = cached.get();
    } else {
      bytes = downloader.download(meta);
      cache.write(sha256, bytes);
    }
    Predictor predictor;
    try {
      // Checks the sha256 once more: only bytes the registry validated reach the native loader.
      predictor = Predictor.load(bytes, sha256, nthread, fastPath, verified);
    } catch (ModelLoadException e) {
      throw LoadFailure.permanent(e.getMessage(), e);
    }
    if (meta.getNumFeatures() > 0 && meta.getNumFeatures() != predictor.numFeatures()) {
      predictor.close();
      throw LoadFailure.permanent(
          "registry says "
              + meta.getNumFeatures()
              + " features, the model file has "
              + predictor.numFeatures(),
          null);
    }
    LOG.fine(
        () ->
            meta.getModel()
                + " v"
                + meta.getVersion()
                + " loaded"
                + (cached.isPresent() ? " from the local cache" : ""));
    return new LoadedVersion(meta, predictor, clock.instant());
  }
}
