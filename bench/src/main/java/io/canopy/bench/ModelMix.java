package io.canopy.bench;

import io.canopy.proto.registry.v1.ListModelsRequest;
import io.canopy.proto.registry.v1.ListModelsResponse;
import io.canopy.proto.registry.v1.Model;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc;
import io.grpc.Channel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;
import java.util.regex.Pattern;

/**
 * The models a run spreads its requests over ({@code --models}) and how often each is asked for
 * ({@code --distribution}): {@code uniform}, or {@code zipf:S} — the i-th model listed (from 1)
 * asked for in proportion to 1 / i^S, so the first is the hottest. Every model must take the same
 * features (the payload is built for the first).
 */
record ModelMix(List<String> models, double[] cumulative) implements IntSupplier {

  /** Most models one run spreads over. */
  static final int MAX_MODELS = 100_000;

  ModelMix {
    models = List.copyOf(models);
    if (models.isEmpty()) {
      throw new IllegalArgumentException("--models matched no model");
    }
  }

  /** The next model's index, drawn from the distribution. */
  @Override
  public int getAsInt() {
    double u = ThreadLocalRandom.current().nextDouble();
    int i = Arrays.binarySearch(cumulative, u);
    return Math.min(models.size() - 1, i >= 0 ? i : -i - 1);
  }

  /**
   * @param spec a comma-separated list, {@code @file} (a name per line), or a glob with {@code *}
   *     matched against the registry's models
   * @param registry the registry, for a glob
   */
  static ModelMix of(String spec, String distribution, Channel registry) throws IOException {
    List<String> names;
    if (spec.startsWith("@")) {
      names = Files.readAllLines(Path.of(spec.substring(1)), StandardCharsets.UTF_8);
    } else if (spec.contains("*")) {
      names = matching(spec, registry);
    } else {
      names = Arrays.asList(spec.split(","));
    }
    names = names.stream().map(String::strip).filter(n -> !n.isEmpty()).toList();
    if (names.size() > MAX_MODELS) {
      throw new IllegalArgumentException(
          "--models: " + names.size() + " models, at most " + MAX_MODELS);
    }
    return new ModelMix(names, cumulative(names.size(), distribution));
  }

  private static List<String> matching(String glob, Channel registry) {
    Pattern pattern =
        Pattern.compile(
            Arrays.stream(glob.split("\\*", -1))
                .map(Pattern::quote)
                .reduce((a, b) -> a + ".*" + b)
                .orElse(""));
    var stub = ModelRegistryServiceGrpc.newBlockingStub(registry);
    List<String> out = new ArrayList<>();
    String token = "";
    do {
      ListModelsResponse page =
          stub.withDeadlineAfter(30, java.util.concurrent.TimeUnit.SECONDS)
              .listModels(
                  ListModelsRequest.newBuilder().setPageSize(1000).setPageToken(token).build());
      for (Model m : page.getModelsList()) {
        if (pattern.matcher(m.getName()).matches()) {
          out.add(m.getName());
        }
      }
      token = page.getNextPageToken();
    } while (!token.isEmpty() && out.size() <= MAX_MODELS);
    return out;
  }

  /** The distribution's cumulative shares, one per model. */
  static double[] cumulative(int n, String distribution) {
    String d = distribution.strip().toLowerCase(Locale.ROOT);
    double s;
    if (d.equals("uniform")) {
      s = 0;
    } else if (d.startsWith("zipf:")) {
      try {
        s = Double.parseDouble(d.substring(5));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--distribution '" + distribution + "': bad exponent");
      }
      if (!(s > 0) || s > 10) {
        throw new IllegalArgumentException("--distribution zipf:S needs 0 < S <= 10");
      }
    } else {
      throw new IllegalArgumentException(
          "--distribution '" + distribution + "': uniform or zipf:S (e.g. zipf:1.1)");
    }
    double[] out = new double[n];
    double total = 0;
    for (int i = 0; i < n; i++) {
      total += Math.pow(i + 1, -s);
      out[i] = total;
    }
    for (int i = 0; i < n; i++) {
      out[i] /= total;
    }
    return out;
  }
}
