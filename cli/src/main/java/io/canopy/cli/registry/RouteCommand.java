package io.canopy.cli.registry;

import io.canopy.proto.registry.v1.GetModelRequest;
import io.canopy.proto.registry.v1.Model;
import io.canopy.proto.registry.v1.SetTrafficPolicyRequest;
import io.canopy.proto.registry.v1.ShadowTarget;
import io.canopy.proto.registry.v1.TrafficPolicy;
import io.canopy.proto.registry.v1.TrafficSplit;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code canopy route MODEL 3=90,4=10 [--sticky] [--shadow 5:0.1]}: sets the traffic policy for
 * requests that name no version. Targets are version numbers or aliases ({@code production=95}).
 */
@Command(
    name = "route",
    mixinStandardHelpOptions = true,
    description = "Split traffic over versions (canary), with optional shadow.")
public final class RouteCommand implements Callable<Integer> {

  @Parameters(index = "0", description = "model name")
  String model;

  @Parameters(
      index = "1",
      arity = "0..1",
      description =
          "TARGET=PERCENT,...; TARGET is a version number or an alias; percents sum to 100")
  String splits;

  @Option(names = "--sticky", description = "the same routing key always reaches the same target")
  boolean sticky;

  @Option(
      names = "--shadow",
      description = "VERSION:RATE, e.g. 5:0.1 copies 10%% of requests to v5")
  String shadow;

  @Option(
      names = "--clear",
      description = "remove the policy (requests go to production, else latest)")
  boolean clear;

  @Mixin RegistryOptions registry;

  @Override
  public Integer call() throws Exception {
    TrafficPolicy policy;
    try {
      policy = clear ? TrafficPolicy.getDefaultInstance() : parse();
    } catch (IllegalArgumentException e) {
      System.err.println("canopy: " + e.getMessage());
      return 2;
    }
    return AliasCommand.change(
        registry,
        stub -> {
          // Routing does not unpin: the pinned flag (canopy pin) carries over.
          boolean pinned =
              stub.getModel(GetModelRequest.newBuilder().setName(model).build())
                  .getModel()
                  .getTrafficPolicy()
                  .getPinned();
          return stub.setTrafficPolicy(
                  SetTrafficPolicyRequest.newBuilder()
                      .setModel(model)
                      .setPolicy(policy.toBuilder().setPinned(pinned))
                      .build())
              .getModel();
        });
  }

  private TrafficPolicy parse() {
    if (splits == null || splits.isBlank()) {
      throw new IllegalArgumentException("give splits like 3=90,4=10, or --clear");
    }
    TrafficPolicy.Builder policy = TrafficPolicy.newBuilder().setSticky(sticky);
    for (String part : splits.split(",")) {
      String[] kv = part.trim().split("=");
      if (kv.length != 2) {
        throw new IllegalArgumentException("split '" + part + "': expected TARGET=PERCENT");
      }
      TrafficSplit.Builder split = TrafficSplit.newBuilder().setPercent(integer(kv[1], part));
      if (kv[0].matches("\\d+")) {
        split.setVersion(Long.parseLong(kv[0]));
      } else {
        split.setAlias(kv[0]);
      }
      policy.addSplits(split);
    }
    if (shadow != null) {
      String[] vr = shadow.split(":");
      if (vr.length != 2 || !vr[0].matches("\\d+")) {
        throw new IllegalArgumentException("--shadow '" + shadow + "': expected VERSION:RATE");
      }
      try {
        policy.setShadow(
            ShadowTarget.newBuilder()
                .setVersion(Long.parseLong(vr[0]))
                .setSampleRate(Double.parseDouble(vr[1])));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--shadow '" + shadow + "': bad rate", e);
      }
    }
    return policy.build();
  }

  private static int integer(String text, String part) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("split '" + part + "': percent must be a whole number", e);
    }
  }

  /** "3=90,4=10 sticky shadow 5@0.1", "pinned", or "-" when the model has no policy. */
  static String describe(Model model) {
    TrafficPolicy p = model.getTrafficPolicy();
    if (p.getSplitsCount() == 0) {
      return p.getPinned() ? "pinned" : "-";
    }
    String text =
        p.getSplitsList().stream()
            .map(
                s ->
                    (s.hasAlias() ? s.getAlias() : Long.toString(s.getVersion()))
                        + "="
                        + s.getPercent())
            .collect(Collectors.joining(","));
    if (p.getSticky()) {
      text += " sticky";
    }
    if (p.hasShadow()) {
      text += " shadow " + p.getShadow().getVersion() + "@" + p.getShadow().getSampleRate();
    }
    if (p.getPinned()) {
      text += " pinned";
    }
    return text;
  }
}
