package io.canopy.cli.registry;

import io.canopy.cli.Table;
import io.canopy.proto.registry.v1.ListModelsRequest;
import io.canopy.proto.registry.v1.ListModelsResponse;
import io.canopy.proto.registry.v1.Model;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc;
import io.grpc.ManagedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code canopy models [list]}: registered models with their aliases and traffic policy. */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description = "List registered models.",
    subcommands = ModelsCommand.ListCommand.class)
public final class ModelsCommand implements Callable<Integer> {

  @Mixin RegistryOptions registry;

  @Override
  public Integer call() throws Exception {
    return list(registry);
  }

  /** {@code canopy models list}: the same as {@code canopy models}. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "List registered models.")
  static final class ListCommand implements Callable<Integer> {
    @Mixin RegistryOptions registry;

    @Override
    public Integer call() throws Exception {
      return list(registry);
    }
  }

  static int list(RegistryOptions options) throws Exception {
    return options.withChannel(channel -> print(options, channel));
  }

  private static int print(RegistryOptions options, ManagedChannel channel) {
    var stub = ModelRegistryServiceGrpc.newBlockingStub(channel);
    List<Model> models = new ArrayList<>();
    String token = "";
    do {
      ListModelsResponse page =
          stub.listModels(ListModelsRequest.newBuilder().setPageToken(token).build());
      models.addAll(page.getModelsList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    if (options.json()) {
      Printer.json(System.out, models);
      return 0;
    }
    Table table = new Table("MODEL", "LATEST", "ALIASES", "TRAFFIC", "DESCRIPTION");
    for (Model m : models) {
      table.row(
          m.getName(),
          m.getLatestVersion() == 0 ? "-" : m.getLatestVersion(),
          Printer.aliases(m.getAliasesMap()),
          RouteCommand.describe(m),
          m.getDescription());
    }
    table.print(System.out);
    return 0;
  }
}
