package io.canopy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.canopy.cli.up.Suite;
import io.canopy.common.testing.ProcessSuite;
import io.canopy.common.testing.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example clients in {@code examples/} run against a live suite on free ports, as a user in
 * another language would run them. CI installs their toolchains (see .ci/run); on a machine without
 * them the test is skipped with the reason.
 */
@ProcessSuite
class ExampleClientsTest {

  private static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static Suite suite;

  @BeforeAll
  static void start() {
    suite = TestSuites.start(dir);
  }

  @AfterAll
  static void stop() {
    if (suite != null) {
      suite.close();
    }
  }

  @Test
  void pythonClient_registersWritesFeaturesAndPredictsThreeWays() throws Exception {
    Tools.require(
        run(List.of("/usr/bin/python3", "-c", "import grpc, google.protobuf"), EXAMPLES).exit == 0,
        "python3-grpcio and python3-protobuf are not installed (apt-get install python3-grpcio"
            + " python3-protobuf protobuf-compiler protobuf-compiler-grpc)");
    Result gen = run(List.of("bash", "python/generate.sh"), EXAMPLES);
    assertThat(gen.exit).as(gen.err).isZero();
    runAndCheck("/usr/bin/python3", "python/canopy_example.py", "py");
  }

  @Test
  void nodeClient_registersWritesFeaturesAndPredictsThreeWays() throws Exception {
    Tools.require(
        Files.isDirectory(EXAMPLES.resolve("node/node_modules/@grpc/grpc-js")),
        "examples/node has no node_modules (run 'npm ci' there; CI does)");
    runAndCheck("node", "node/canopy_example.js", "node");
  }

  /** Runs one example client against the suite and checks what it printed. */
  private static void runAndCheck(String interpreter, String script, String tag) throws Exception {
    Path model = dir.resolve(tag + "-model.ubj");
    Files.write(model, Fixtures.bytes("breast_cancer_binary.ubj"));
    Path rows = dir.resolve(tag + "-rows.csv");
    Files.write(rows, Fixtures.bytes("breast_cancer_rows.csv"));
    Result result =
        run(
            List.of(
                interpreter,
                script,
                "--registry",
                "127.0.0.1:" + suite.registry().grpcPort(),
                "--gateway",
                "127.0.0.1:" + suite.gateway().grpcPort(),
                "--model-file",
                model.toString(),
                "--rows",
                rows.toString()),
            EXAMPLES);
    assertThat(result.exit).as(result.err).isZero();
    checkSteps(result.steps());
  }

  /** The steps every example client prints, checked against the Python-computed fixture. */
  private static void checkSteps(Map<String, JsonNode> steps) {
    double[] expected = Fixtures.column("breast_cancer_expected_probability.csv");
    assertThat(steps.get("register").get("state").asText()).isEqualTo("VERSION_STATE_READY");
    long version = steps.get("register").get("version").asLong();
    assertThat(steps.get("alias").get("aliases").get("production").asLong()).isEqualTo(version);
    for (String step : List.of("predict_dense", "predict_named", "predict_entity")) {
      JsonNode s = steps.get(step);
      assertThat(s).as(step).isNotNull();
      assertThat(s.get("version").asLong()).as(step).isEqualTo(version);
      assertThat(s.get("values").size()).as(step).isEqualTo(expected.length);
      for (int i = 0; i < expected.length; i++) {
        assertThat(s.get("values").get(i).asDouble())
            .as(step + " row " + i)
            .isCloseTo(expected[i], within(1e-6));
      }
    }
    assertThat(steps.get("write_features").get("rows_written").asLong()).isEqualTo(expected.length);
  }

  record Result(int exit, String out, String err) {
    Map<String, JsonNode> steps() throws IOException {
      Map<String, JsonNode> steps = new HashMap<>();
      for (String line : out.lines().toList()) {
        JsonNode node = JSON.readTree(line);
        steps.put(node.get("step").asText(), node);
      }
      return steps;
    }
  }

  private static Result run(List<String> command, Path workDir) throws Exception {
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process process;
    try {
      process =
          new ProcessBuilder(new ArrayList<>(command))
              .directory(workDir.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
    } catch (IOException e) {
      return new Result(127, "", e.getMessage());
    }
    if (!process.waitFor(180, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("example did not finish within 180 s: " + command);
    }
    return new Result(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
