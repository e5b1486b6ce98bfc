package io.canopy.registry.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reasons for a dead child, from its exit status and HotSpot's error report. */
class ChildFailuresTest {

  @TempDir Path scratch;
  private final ProbeCommand command = new ProbeCommand(Path.of("/jdk/bin/java"), "/a.jar", 256);

  private void report(String signalLine) throws Exception {
    Files.writeString(
        scratch.resolve("hs_err_pid42.log"),
        "#\n# A fatal error has been detected by the Java Runtime Environment:\n#\n"
            + signalLine
            + "\n#\n# Problematic frame:\n# C  [libxgboost4j.so+0x1234]\n");
  }

  @Test
  void died_faultInTheLoader_blamesTheFile() throws Exception {
    report("#  SIGSEGV (0xb) at pc=0x00007f3a5fd49f14, pid=42, tid=43");

    assertThat(ChildFailures.died(1, scratch, command).getFailureReason())
        .isEqualTo(
            "the validation process crashed (SIGSEGV) while loading the model:"
                + " the file is corrupt or not a model XGBoost can load");
  }

  @Test
  void died_signalSentByKill_saysSoWithoutBlamingTheFile() throws Exception {
    report("#  SIGSEGV (0xb) at pc=0x00007f3a5fd49f14 (sent by kill), pid=42, tid=42");

    assertThat(ChildFailures.died(1, scratch, command).getFailureReason())
        .isEqualTo("the validation process crashed (SIGSEGV sent by kill) while loading the model");
  }

  @Test
  void died_killNoteOnAnotherLine_stillAFault() throws Exception {
    report("#  SIGBUS (0x7) at pc=0x00007f3a5fd49f14, pid=42, tid=43\n# (sent by kill)");

    assertThat(ChildFailures.died(1, scratch, command).getFailureReason())
        .startsWith("the validation process crashed (SIGBUS) while loading the model:");
  }

  @Test
  void died_reportIsRemovedOnceRead() throws Exception {
    report("#  SIGSEGV (0xb) at pc=0x00007f3a5fd49f14, pid=42, tid=43");

    ChildFailures.died(1, scratch, command);

    assertThat(scratch.resolve("hs_err_pid42.log")).doesNotExist();
  }

  @Test
  void died_killedWithoutAReport_namesTheSignal() {
    assertThat(ChildFailures.died(137, scratch, command).getFailureReason())
        .isEqualTo("the validation process was killed by signal 9 while loading the model");
  }
}
