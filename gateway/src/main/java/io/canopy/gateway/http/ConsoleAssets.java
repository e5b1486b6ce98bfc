package io.canopy.gateway.http;

import io.canopy.common.config.ByteSizes;
import io.canopy.common.digest.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The console's static files, read once at startup from the classpath under {@value #ROOT} (the
 * {@code canopy-console} module's jar, or a directory in tests) and held in memory: a handful of
 * small files, served without touching the disk, each with the sha-256 of its bytes as its ETag.
 *
 * <p>Only the top level is read, only names of {@code [A-Za-z0-9._-]+} (never "..") and only types
 * it knows, so a request can name nothing else. More than {@link #MAX_BYTES} in all refuses to
 * start: a console that large is a build mistake, and the bytes stay on the heap for good.
 */
final class ConsoleAssets {

  static final String ROOT = "io/canopy/console/ui/";

  /** All the files together at most: 5 MiB. */
  static final long MAX_BYTES = 5L << 20;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml",
          "png", "image/png",
          "ico", "image/x-icon",
          "woff2", "font/woff2",
          "json", "application/json",
          "map", "application/json",
          "txt", "text/plain; charset=utf-8");

  /** One file: its bytes, type, ETag (quoted sha-256 hex) and caching. */
  record Asset(String name, byte[] bytes, String contentType, String etag, String cacheControl) {}

  private final Map<String, Asset> assets;

  private ConsoleAssets(Map<String, Asset> assets) {
    this.assets = Map.copyOf(assets);
  }

  /** The console in {@code loader}'s classpath; empty when it has no {@code index.html}. */
  static ConsoleAssets load(ClassLoader loader) {
    return load(loader, MAX_BYTES);
  }

  static ConsoleAssets load(ClassLoader loader, long maxBytes) {
    URL index = loader.getResource(ROOT + "index.html");
    if (index == null) {
      return new ConsoleAssets(Map.of());
    }
    Reader reader = new Reader(maxBytes);
    try {
      switch (index.getProtocol()) {
        case "file" -> reader.directory(Path.of(index.toURI()).getParent());
        case "jar" -> reader.jar((JarURLConnection) index.openConnection());
        default ->
            throw new IllegalStateException(
                "the console's assets at " + index + " cannot be listed (not a directory or jar)");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the console's assets at " + index, e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot read the console's assets at " + index, e);
    }
    return new ConsoleAssets(reader.read);
  }

  /** True when the build has a console. */
  boolean present() {
    return !assets.isEmpty();
  }

  /** The file named {@code name} (one path segment), if it is one of the console's. */
  Optional<Asset> find(String name) {
    return Optional.ofNullable(assets.get(name));
  }

  /** The content type of a servable name; empty for names and types the console never serves. */
  static Optional<String> contentType(String name) {
    if (!NAME.matcher(name).matches() || name.contains("..")) {
      return Optional.empty();
    }
    int dot = name.lastIndexOf('.');
    return dot < 0
        ? Optional.empty()
        : Optional.ofNullable(TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT)));
  }

  /** Reads files until they pass the byte bound. */
  private static final class Reader {
    private final long maxBytes;
    private final Map<String, Asset> read = new HashMap<>();
    private long total;

    Reader(long maxBytes) {
      this.maxBytes = maxBytes;
    }

    void directory(Path dir) throws IOException {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          try (InputStream in = Files.newInputStream(file)) {
            add(file.getFileName().toString(), in);
          }
        }
      }
    }

    void jar(JarURLConnection connection) throws IOException {
      connection.setUseCaches(false); // a JarFile of our own, closed here
      try (JarFile jar = connection.getJarFile()) {
        for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
          JarEntry entry = entries.nextElement();
          String name = entry.getName();
          if (!entry.isDirectory() && name.startsWith(ROOT)) {
            try (InputStream in = jar.getInputStream(entry)) {
              add(name.substring(ROOT.length()), in);
            }
          }
        }
      }
    }

    private void add(String name, InputStream in) throws IOException {
      Optional<String> type = contentType(name); // also skips deeper paths ("a/b" has a slash)
      if (type.isEmpty()) {
        return;
      }
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes - total + 1));
      total += bytes.length;
      if (total > maxBytes) {
        throw new IllegalStateException(
            "the console's assets ("
                + ROOT
                + ") hold more than "
                + ByteSizes.format(maxBytes)
                + ": refusing to keep them in memory");
      }
      String cache = name.equals("index.html") ? "no-cache" : "max-age=300";
      read.put(name, new Asset(name, bytes, type.get(), '"' + Sha256.hex(bytes) + '"', cache));
    }
  }
}
