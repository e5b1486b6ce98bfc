package io.canopy.lightgbm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Loads LightGBM's native libraries (the ones inside the lightgbm4j jar) from a directory private
 * to this process. lightgbm4j's own loader extracts them to a fixed name in the shared temp
 * directory ({@code /tmp/lib_lightgbm.so}): two processes starting at once (serving and the
 * registry's validation child on one machine) rewrite the file the other has mapped and crash it,
 * and any local user could plant a library there for Canopy to load. Here each process copies the
 * libraries into its own new directory (owner-only), checks them against the jar's MD5 files, loads
 * them and deletes the copies (the mappings stay). Canopy calls LightGBM only through the SWIG
 * class {@code lightgbmlib} after this, never through lightgbm4j's loader.
 */
public final class LightGbmNative {

  private static final String[] LIBRARIES = {"lib_lightgbm.so", "lib_lightgbm_swig.so"};

  private static boolean loaded;

  private LightGbmNative() {}

  /** Loads the libraries once per process; later calls return at once. */
  public static synchronized void load() throws IOException {
    if (loaded) {
      return;
    }
    String resources = "lightgbm4j/linux/" + architecture() + "/";
    Path dir = Files.createTempDirectory("canopy-lightgbm-"); // rwx------ on POSIX
    try {
      for (String library : LIBRARIES) {
        Path file = dir.resolve(library);
        byte[] bytes = resource(resources + library);
        String expected =
            new String(resource(resources + library + ".md5"), StandardCharsets.US_ASCII).trim();
        String actual = md5(bytes);
        if (!actual.equalsIgnoreCase(expected)) {
          throw new IOException(library + " in the lightgbm4j jar does not match its MD5 file");
        }
        Files.write(file, bytes);
        System.load(file.toString());
      }
      loaded = true;
    } finally {
      for (String library : LIBRARIES) {
        Files.deleteIfExists(dir.resolve(library));
      }
      Files.deleteIfExists(dir);
    }
  }

  private static String architecture() throws IOException {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    if (!os.startsWith("linux")) {
      throw new IOException("LightGBM's library is packaged here for Linux only, not " + os);
    }
    return switch (arch) {
      case "amd64", "x86_64" -> "x86_64";
      case "aarch64", "arm64" -> "aarch64";
      default -> throw new IOException("no LightGBM library for architecture " + arch);
    };
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = LightGbmNative.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("the class path has no " + name + " (the lightgbm4j jar)");
      }
      return in.readAllBytes();
    }
  }

  private static String md5(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
