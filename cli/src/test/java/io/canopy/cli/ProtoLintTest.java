package io.canopy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.testing.ProcessSuite;
import io.canopy.common.testing.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Clients in other languages generate code from proto/, so the contracts must pass {@code buf lint}
 * (configuration in proto/src/main/proto/buf.yaml). buf comes from the npm registry: {@code npm ci}
 * in proto/ (CI does it; elsewhere the test is skipped with the reason).
 */
@ProcessSuite
class ProtoLintTest {

  private static final Path PROTO = Path.of("..", "proto").toAbsolutePath().normalize();

  @Test
  void contracts_passBufLint() throws Exception {
    Path buf = PROTO.resolve("node_modules/.bin/buf");
    Tools.require(Files.isExecutable(buf), "buf is not installed: run 'npm ci' in proto/");
    Process lint =
        new ProcessBuilder(buf.toString(), "lint")
            .directory(PROTO.resolve("src/main/proto").toFile())
            .redirectErrorStream(true)
            .start();
    assertThat(lint.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String output = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(lint.exitValue()).as(output).isZero();
  }
}
