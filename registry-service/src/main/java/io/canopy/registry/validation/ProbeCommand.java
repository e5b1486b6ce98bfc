package io.canopy.registry.validation;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How to start a probe child: this JVM's {@code java} and class path, with a heap cap. The
 * class path is passed on as it is: under Maven Surefire it is a manifest-only jar whose
 * Class-Path the child JVM follows just as the parent did; under {@code java -cp 'lib/*'} the
 * launcher has already expanded it into the jar list.
 *
 * @param java the {@code java} executable
 * @param classPath the class path holding ModelProbe, XGBoost4J and their dependencies
 * @param maxHeapMb the child's -Xmx
 */
public record ProbeCommand(Path java, String classPath, int maxHeapMb) {

  /**
   * The probe's main class, by name: referring to {@code ModelProbe.class} here would load it
   * (and possibly XGBoost's classes) into the registry's JVM for nothing.
   */
  static final String MAIN_CLASS = "io.canopy.registry.validation.ModelProbe";

  public ProbeCommand {
    Objects.requireNonNull(java, "java");
    if (classPath == null || classPath.isBlank()) {
      throw new IllegalArgumentException("classPath: must not be blank");
    }
    if (maxHeapMb < 16) {
      throw new IllegalArgumentException("maxHeapMb: " + maxHeapMb + " must be at least 16");
    }
  }

  /** The JVM and class path this process runs with. */
  public static ProbeCommand currentJvm(int maxHeapMb) {
    return new ProbeCommand(
        Path.of(System.getProperty("java.home"), "bin", "java"),
        System.getProperty("java.class.path"),
        maxHeapMb);
  }

  /** The command line probing {@code model}, with {@code scratch} as its private temp dir. */
  List<String> command(Path model, Path scratch) {
    return List.of(
        java.toString(),
        "-Xmx" + maxHeapMb + "m",
        "-XX:+ExitOnOutOfMemoryError",
        "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1",
        "-XX:-UsePerfData",
        "-XX:-CreateCoredumpOnCrash",
        "-XX:ErrorFile=" + scratch.resolve("hs_err_pid%p.log"),
        "-Djava.io.tmpdir=" + scratch,
        "--enable-native-access=ALL-UNNAMED",
        "-cp",
        classPath,
        MAIN_CLASS,
        model.toString());
  }
}
