package io.canopy.cli.registry;

import io.canopy.proto.registry.v1.DeleteAliasRequest;
import io.canopy.proto.registry.v1.Model;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc;
import io.canopy.proto.registry.v1.SetAliasRequest;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code canopy alias set|rm}: moves or removes an alias (e.g. promote, roll back). */
@Command(
    name = "alias",
    mixinStandardHelpOptions = true,
    description = "Point an alias at a version, or remove it.",
    subcommands = {AliasCommand.Set.class, AliasCommand.Remove.class})
public final class AliasCommand {

  /** {@code canopy alias set MODEL ALIAS VERSION}. */
  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description = "Point ALIAS of MODEL at VERSION (must be READY).")
  static final class Set implements Callable<Integer> {
    @Mixin ModelAlias target;

    @Parameters(index = "2", description = "the version the alias points at")
    long version;

    @Mixin RegistryOptions registry;

    @Override
    public Integer call() throws Exception {
      return change(
          registry,
          stub ->
              stub.setAlias(
                      SetAliasRequest.newBuilder()
                          .setModel(target.model)
                          .setAlias(target.alias)
                          .setVersion(version)
                          .build())
                  .getModel());
    }
  }

  /** {@code canopy alias rm MODEL ALIAS}. */
  @Command(name = "rm", mixinStandardHelpOptions = true, description = "Remove ALIAS from MODEL.")
  static final class Remove implements Callable<Integer> {
    @Mixin ModelAlias target;

    @Mixin RegistryOptions registry;

    @Override
    public Integer call() throws Exception {
      return change(
          registry,
          stub ->
              stub.deleteAlias(
                      DeleteAliasRequest.newBuilder()
                          .setModel(target.model)
                          .setAlias(target.alias)
                          .build())
                  .getModel());
    }
  }

  /** The MODEL ALIAS both subcommands start with. */
  static final class ModelAlias {
    @Parameters(index = "0", description = "model name")
    String model;

    @Parameters(index = "1", description = "alias name, e.g. production")
    String alias;
  }

  /** Runs one authenticated change and prints the model's aliases after it. */
  static int change(
      RegistryOptions registry,
      Function<ModelRegistryServiceGrpc.ModelRegistryServiceBlockingStub, Model> call)
      throws Exception {
    return registry.withChannel(
        channel -> {
          Model model =
              call.apply(
                  ModelRegistryServiceGrpc.newBlockingStub(channel)
                      .withCallCredentials(registry.credentials()));
          if (registry.json()) {
            System.out.println(Printer.json(model));
          } else {
            System.out.printf(
                "%s  aliases %s  traffic %s%n",
                model.getName(),
                Printer.aliases(model.getAliasesMap()),
                RouteCommand.describe(model));
          }
          return 0;
        });
  }
}
