package io.canopy.registry.validation;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How to start a probe child: this JVM's {@code java} and class path, with a heap cap. The class
 * path is passed on as it is: under Maven Surefire it is a manifest-only jar whose Class-Path the
 * child JVM follows just as the parent did; under {@code java -cp 'lib/*'} the launcher has already
 * expanded it into the jar list.
 *
 * @param java the {@code java} executable
 * @param classPath the class path holding ModelProbe, XGBoost4J and their dependencies
 * @param maxHeapMb the child's -Xmx
 * @param maxAddressSpaceMb the child's RLIMIT_AS in MiB (set through prlimit), 0 for none
 */
public record ProbeCommand(Path java, String classPath, int maxHeapMb, int maxAddressSpaceMb) {

  /** util-linux's prlimit: sets RLIMIT_AS for the command it runs. */
  static final String PRLIMIT = "prlimit";

  /**
   * The probe's main class, by name: referring to {@code ModelProbe.class} here would load it (and
   * possibly XGBoost's classes) into the registry's JVM for nothing.
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
    if (maxAddressSpaceMb != 0 && maxAddressSpaceMb < maxHeapMb) {
      throw new IllegalArgumentException(
          "maxAddressSpaceMb: " + maxAddressSpaceMb + " must be 0 (no cap) or above the heap");
    }
  }

  public ProbeCommand(Path java, String classPath, int maxHeapMb) {
    this(java, classPath, maxHeapMb, 0);
  }

  /** The JVM and class path this process runs with. */
  public static ProbeCommand currentJvm(int maxHeapMb) {
    return currentJvm(maxHeapMb, 0);
  }

  /**
   * @param maxAddressSpaceMb the child's whole virtual address space cap (heap, JVM and native
   *     memory), or 0 for none
   */
  public static ProbeCommand currentJvm(int maxHeapMb, int maxAddressSpaceMb) {
    return new ProbeCommand(
        Path.of(System.getProperty("java.home"), "bin", "java"),
        absolute(System.getProperty("java.class.path")),
        maxHeapMb,
        maxAddressSpaceMb);
  }

  /** The child runs in its scratch directory, so relative class path entries must be resolved. */
  static String absolute(String classPath) {
    List<String> entries = new ArrayList<>();
    for (String entry : classPath.split(File.pathSeparator)) {
      if (!entry.isEmpty()) {
        entries.add(
            entry.endsWith("*")
                ? Path.of(entry.substring(0, entry.length() - 1)).toAbsolutePath()
                    + File.separator
                    + "*"
                : Path.of(entry).toAbsolutePath().toString());
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  /** True when {@code prlimit} is on the PATH (needed for an address-space cap). */
  public static boolean prlimitAvailable() {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, PRLIMIT))) {
        return true;
      }
    }
    return false;
  }

  /** The command line probing {@code model}, with {@code scratch} as its private temp dir. */
  List<String> command(Path model, Path scratch) {
    return command(model.toString(), scratch);
  }

  /** The command line of a child that probes many models named on its stdin. */
  List<String> serveCommand(Path scratch) {
    return command(ModelProbe.SERVE, scratch);
  }

  private List<String> command(String argument, Path scratch) {
    List<String> line = new ArrayList<>();
    if (maxAddressSpaceMb > 0) {
      // Caps native memory too (XGBoost allocates outside the heap); the JVM runs inside it.
      line.addAll(List.of(PRLIMIT, "--as=" + maxAddressSpaceMb * 1024L * 1024L, "--"));
    }
    line.addAll(
        List.of(
            java.toString(),
            "-Xmx" + maxHeapMb + "m",
            "-XX:+ExitOnOutOfMemoryError",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            // Small reservations keep the JVM itself well inside an address-space cap.
            "-XX:ReservedCodeCacheSize=32m",
            "-XX:CompressedClassSpaceSize=64m",
            "-XX:MaxMetaspaceSize=128m",
            "-XX:-UsePerfData",
            "-XX:-CreateCoredumpOnCrash",
            "-XX:ErrorFile=" + scratch.resolve("hs_err_pid%p.log"),
            "-Djava.io.tmpdir=" + scratch,
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            classPath,
            MAIN_CLASS,
            argument));
    return line;
  }
}
