package io.canopy.cli.registry;

import io.canopy.proto.registry.v1.GetModelRequest;
import io.canopy.proto.registry.v1.SetTrafficPolicyRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code canopy pin MODEL [--off]}: keeps the versions a model's aliases and traffic policy
 * reference in memory on every serving replica, whatever its memory budget (the policy's {@code
 * pinned} flag; its splits and shadow stay as they are).
 */
@Command(
    name = "pin",
    mixinStandardHelpOptions = true,
    description =
        "Keep a model's serving versions in memory on every replica (never evicted), or --off.")
public final class PinCommand implements Callable<Integer> {

  @Parameters(index = "0", description = "model name")
  String model;

  @Option(names = "--off", description = "unpin: its versions may be evicted again")
  boolean off;

  @Mixin RegistryOptions registry;

  @Override
  public Integer call() throws Exception {
    return AliasCommand.change(
        registry,
        stub -> {
          var policy =
              stub
                  .getModel(GetModelRequest.newBuilder().setName(model).build())
                  .getModel()
                  .getTrafficPolicy()
                  .toBuilder()
                  .setPinned(!off);
          return stub.setTrafficPolicy(
                  SetTrafficPolicyRequest.newBuilder().setModel(model).setPolicy(policy).build())
              .getModel();
        });
  }
}
