package io.canopy.cli;

import io.canopy.bench.BenchCommand;
import io.canopy.cli.monitor.MonitorCommand;
import io.canopy.cli.predict.PredictCommand;
import io.canopy.cli.registry.AliasCommand;
import io.canopy.cli.registry.ModelsCommand;
import io.canopy.cli.registry.PinCommand;
import io.canopy.cli.registry.RegisterCommand;
import io.canopy.cli.registry.RouteCommand;
import io.canopy.cli.registry.VersionsCommand;
import io.canopy.cli.serving.StatusCommand;
import io.canopy.cli.up.UpCommand;
import io.canopy.common.log.Logging;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code canopy} command. The {@code ./canopy} script finds a JDK and builds, then runs this.
 */
@Command(
    name = "canopy",
    mixinStandardHelpOptions = true,
    version = "canopy 0.1.0",
    description = "Serve XGBoost models over gRPC and HTTP.",
    subcommands = {
      UpCommand.class,
      RegisterCommand.class,
      ModelsCommand.class,
      AliasCommand.class,
      RouteCommand.class,
      PinCommand.class,
      VersionsCommand.class,
      PredictCommand.class,
      StatusCommand.class,
      MonitorCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    Logging.configure();
    // @FILE arguments belong to the commands (e.g. bench --entities @keys.txt), not to picocli.
    System.exit(commandLine().execute(args));
  }

  /** The whole command tree as {@code main} runs it. */
  public static CommandLine commandLine() {
    return new CommandLine(new Main()).setExpandAtFiles(false);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
