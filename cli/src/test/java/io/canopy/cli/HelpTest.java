package io.canopy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine;

/** Every command and subcommand of {@code canopy} prints its help and exits 0 on -h and --help. */
class HelpTest {

  @TestFactory
  Stream<DynamicTest> everyCommand_helpFlags_printUsageAndExitZero() {
    List<List<String>> paths = new ArrayList<>();
    collect(Main.commandLine(), new ArrayList<>(), paths);
    assertThat(paths).as("commands found").hasSizeGreaterThan(10);
    return paths.stream()
        .flatMap(
            path ->
                Stream.of("-h", "--help")
                    .map(
                        flag ->
                            DynamicTest.dynamicTest(
                                String.join(" ", path) + " " + flag, () -> check(path, flag))));
  }

  private static void collect(CommandLine command, List<String> path, List<List<String>> out) {
    out.add(List.copyOf(path));
    command
        .getSubcommands()
        .forEach(
            (name, sub) -> {
              if (sub.getCommandSpec().name().equals(name)) { // each command once, not per alias
                List<String> next = new ArrayList<>(path);
                next.add(name);
                collect(sub, next, out);
              }
            });
  }

  private static void check(List<String> path, String flag) {
    List<String> args = new ArrayList<>(path);
    args.add(flag);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    // picocli's own format warnings (an unescaped % in a description) go to System.err.
    PrintStream realErr = System.err;
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    int exit;
    System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
    try {
      CommandLine cli = Main.commandLine();
      cli.setOut(new PrintWriter(out, true));
      cli.setErr(new PrintWriter(err, true));
      exit = cli.execute(args.toArray(String[]::new));
    } finally {
      System.setErr(realErr);
    }
    String name = path.isEmpty() ? "canopy" : path.get(path.size() - 1);
    assertThat(exit).as("exit code; stderr: " + err + stderr).isZero();
    assertThat(out.toString()).contains("Usage:").contains(name).contains("-h, --help");
    assertThat(err.toString()).as("picocli's stderr").isEmpty();
    assertThat(stderr.toString(StandardCharsets.UTF_8)).as("System.err").isEmpty();
  }
}
