package io.canopy.registry.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProbeCommandTest {

  @Test
  void command_capsHeapExitsOnOutOfMemoryAndKeepsFilesInScratch() {
    ProbeCommand command = new ProbeCommand(Path.of("/jdk/bin/java"), "/a.jar:/b.jar", 256);

    List<String> line = command.command(Path.of("/s/model.ubj"), Path.of("/s"));

    assertThat(line.get(0)).isEqualTo("/jdk/bin/java");
    assertThat(line)
        .contains("-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=/s")
        .contains("-XX:ErrorFile=/s/hs_err_pid%p.log");
    assertThat(line.subList(line.size() - 4, line.size()))
        .containsExactly("-cp", "/a.jar:/b.jar", ModelProbe.class.getName(), "/s/model.ubj");
  }

  @Test
  void command_withMemoryCap_runsUnderPrlimit() {
    ProbeCommand command = new ProbeCommand(Path.of("/jdk/bin/java"), "/a.jar", 256, 1024);

    List<String> line = command.serveCommand(Path.of("/s"));

    assertThat(line.subList(0, 4))
        .containsExactly("prlimit", "--as=" + (1024L << 20), "--", "/jdk/bin/java");
    assertThat(line.get(line.size() - 1)).isEqualTo(ModelProbe.SERVE);
  }

  @Test
  void currentJvm_usesThisJavaAndClassPath() {
    ProbeCommand command = ProbeCommand.currentJvm(64);

    assertThat(command.java()).startsWith(Path.of(System.getProperty("java.home")));
    assertThat(command.classPath())
        .isEqualTo(ProbeCommand.absolute(System.getProperty("java.class.path")));
  }

  @Test
  void absolute_relativeEntries_resolvedAgainstTheWorkingDirectory() {
    String cwd = Path.of("").toAbsolutePath().toString();

    assertThat(ProbeCommand.absolute("classes:lib/*:/abs.jar"))
        .isEqualTo(cwd + "/classes:" + cwd + "/lib/*:/abs.jar");
  }
}
