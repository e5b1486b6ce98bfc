package io.canopy.cli.registry;

import io.canopy.proto.registry.v1.InputBinding;
import io.canopy.proto.registry.v1.ModelFormat;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.ReferenceSample;
import io.canopy.proto.registry.v1.SetAliasRequest;
import io.canopy.proto.registry.v1.SetVersionReferenceRequest;
import io.canopy.proto.registry.v1.UploadVersionHeader;
import io.canopy.proto.registry.v1.VersionState;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code canopy register MODEL FILE [--alias production]}: uploads a model version. */
@Command(
    name = "register",
    mixinStandardHelpOptions = true,
    description = "Upload a model file as a new version.")
public final class RegisterCommand implements Callable<Integer> {

  @Parameters(index = "0", description = "model name (created if missing)")
  String model;

  @Parameters(
      index = "1",
      description = "model file: XGBoost (.ubj or .json) or LightGBM text (model.txt)")
  Path file;

  /** What --format names, as the upload header says it. */
  enum Format {
    auto(ModelFormat.MODEL_FORMAT_UNSPECIFIED),
    ubj(ModelFormat.MODEL_FORMAT_UBJ),
    json(ModelFormat.MODEL_FORMAT_JSON),
    lightgbm(ModelFormat.MODEL_FORMAT_LIGHTGBM);

    final ModelFormat proto;

    Format(ModelFormat proto) {
      this.proto = proto;
    }
  }

  @Option(
      names = "--format",
      defaultValue = "auto",
      description =
          "auto (the registry tells the format from the bytes), ubj, json or lightgbm; a format"
              + " that the bytes contradict is refused")
  Format format;

  @Option(names = "--alias", description = "point this alias at the new version when READY")
  String alias;

  @Option(names = "--description", description = "free text for people")
  String description;

  @Option(names = "--label", description = "KEY=VALUE label; repeatable")
  Map<String, String> labels = Map.of();

  @Option(
      names = "--binding",
      description = "VIEW=f1,f2,...: the feature view features feeding the model, in input order")
  String binding;

  @Option(
      names = "--reference",
      paramLabel = "DATA.csv",
      description = {
        "rows like the training data (a header of feature names; other columns are left out):",
        "the version's drift baseline, stored with it in the registry"
      })
  Path reference;

  @Option(names = "--timeout", defaultValue = "300", description = "seconds to wait")
  long timeoutSeconds;

  @Mixin RegistryOptions registry;

  @Override
  public Integer call() throws Exception {
    if (!Files.isReadable(file)) {
      System.err.println("canopy: cannot read " + file);
      return 2;
    }
    ReferenceCsv sample;
    try {
      sample = reference == null ? null : ReferenceCsv.read(reference);
    } catch (IllegalArgumentException | java.io.IOException e) {
      System.err.println("canopy: --reference: " + e.getMessage());
      return 2;
    }
    UploadVersionHeader.Builder header =
        UploadVersionHeader.newBuilder()
            .setModel(model)
            .setCreateModel(true)
            .setFormat(format.proto)
            .putAllLabels(labels);
    if (description != null) {
      header.setDescription(description);
    }
    if (binding != null) {
      String[] parts = binding.split("=", 2);
      if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
        System.err.println("canopy: --binding: expected VIEW=f1,f2,...");
        return 2;
      }
      header.setInputBinding(
          InputBinding.newBuilder()
              .setFeatureView(parts[0])
              .addAllFeatures(List.of(parts[1].split(","))));
    }
    return registry.withChannel(
        channel -> {
          try (InputStream in = Files.newInputStream(file)) {
            ProgressBar bar = new ProgressBar(System.err, Files.size(file));
            ModelVersion version =
                new ModelUploader(channel, registry.credentials())
                    .upload(header.build(), in, timeoutSeconds, bar::update);
            bar.finish();
            if (registry.json()) {
              System.out.println(Printer.json(version));
            }
            if (version.getState() != VersionState.VERSION_STATE_READY) {
              System.err.printf(
                  "%s version %d FAILED: %s%n",
                  model, version.getVersion(), version.getFailureReason());
              return 1;
            }
            if (!registry.json()) {
              System.out.printf(
                  "%s version %d READY  sha256 %s  %d features  %s  %d trees%n",
                  model,
                  version.getVersion(),
                  version.getSha256(),
                  version.getNumFeatures(),
                  version.getObjective(),
                  version.getNumTrees());
            }
            if (sample != null) {
              ReferenceSample rows;
              try {
                rows = sample.sampleFor(version);
              } catch (IllegalArgumentException e) {
                System.err.printf(
                    "canopy: version %d is READY, but --reference does not fit it: %s%n",
                    version.getVersion(), e.getMessage());
                return 1;
              }
              int stored =
                  ModelRegistryServiceGrpc.newBlockingStub(channel)
                      .withCallCredentials(registry.credentials())
                      .withDeadlineAfter(timeoutSeconds, java.util.concurrent.TimeUnit.SECONDS)
                      .setVersionReference(
                          SetVersionReferenceRequest.newBuilder()
                              .setModel(model)
                              .setVersion(version.getVersion())
                              .setSample(rows)
                              .build())
                      .getRows();
              System.err.printf(
                  "%s version %d: reference sample of %d rows stored (its drift baseline)%n",
                  model, version.getVersion(), stored);
            }
            if (alias != null) {
              ModelRegistryServiceGrpc.newBlockingStub(channel)
                  .withCallCredentials(registry.credentials())
                  .setAlias(
                      SetAliasRequest.newBuilder()
                          .setModel(model)
                          .setAlias(alias)
                          .setVersion(version.getVersion())
                          .build());
              System.err.printf("%s@%s -> version %d%n", model, alias, version.getVersion());
            }
            return 0;
          }
        });
  }
}
