package io.canopy.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.canopy.common.digest.Sha256;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleAssetsTest {

  @TempDir Path dir;

  private static final Map<String, String> FILES =
      Map.of(
          "index.html", "<!doctype html><title>c</title>",
          "app.js", "console.log(1)",
          "app.css", "body{}",
          "notes.bak", "not a type the console serves",
          "sub/deeper.js", "one level only");

  private ClassLoader directory(Map<String, String> files) throws Exception {
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path p = dir.resolve("classes").resolve(ConsoleAssets.ROOT).resolve(f.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, f.getValue());
    }
    return new URLClassLoader(new URL[] {dir.resolve("classes").toUri().toURL()}, null);
  }

  private ClassLoader jar(Map<String, String> files) throws Exception {
    Path jar = dir.resolve("console.jar");
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream j = new JarOutputStream(out)) {
      for (Map.Entry<String, String> f : files.entrySet()) {
        j.putNextEntry(new JarEntry(ConsoleAssets.ROOT + f.getKey()));
        j.write(f.getValue().getBytes(StandardCharsets.UTF_8));
        j.closeEntry();
      }
    }
    return new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
  }

  @Test
  void load_fromADirectory_topLevelFilesOfKnownTypes_withTheirTypesAndEtags() throws Exception {
    ConsoleAssets assets = ConsoleAssets.load(directory(FILES));

    assertThat(assets.present()).isTrue();
    ConsoleAssets.Asset index = assets.find("index.html").orElseThrow();
    assertThat(index.contentType()).isEqualTo("text/html; charset=utf-8");
    assertThat(index.cacheControl()).isEqualTo("no-cache");
    assertThat(index.etag())
        .isEqualTo(
            '"' + Sha256.hex(FILES.get("index.html").getBytes(StandardCharsets.UTF_8)) + '"');
    assertThat(assets.find("app.js").orElseThrow().contentType())
        .isEqualTo("text/javascript; charset=utf-8");
    assertThat(assets.find("app.js").orElseThrow().cacheControl()).isEqualTo("max-age=300");
    assertThat(assets.find("app.css")).isPresent();
    assertThat(assets.find("notes.bak")).isEmpty();
    assertThat(assets.find("sub/deeper.js")).isEmpty();
    assertThat(assets.find("deeper.js")).isEmpty();
  }

  @Test
  void load_fromAJar_readsTheSameFiles() throws Exception {
    ConsoleAssets assets = ConsoleAssets.load(jar(FILES));

    assertThat(assets.find("index.html")).isPresent();
    assertThat(new String(assets.find("app.js").orElseThrow().bytes(), StandardCharsets.UTF_8))
        .isEqualTo("console.log(1)");
    assertThat(assets.find("sub/deeper.js")).isEmpty();
    assertThat(assets.find("notes.bak")).isEmpty();
  }

  @Test
  void load_withoutAnIndex_isNoConsole() throws Exception {
    assertThat(ConsoleAssets.load(new URLClassLoader(new URL[0], null)).present()).isFalse();
    assertThat(ConsoleAssets.load(directory(Map.of("app.js", "x"))).present()).isFalse();
  }

  @Test
  void load_overTheByteBound_refusesToStart() throws Exception {
    ClassLoader big = directory(Map.of("index.html", "x".repeat(60), "app.js", "y".repeat(60)));

    assertThat(ConsoleAssets.load(big, 120).present()).isTrue();
    assertThatThrownBy(() -> ConsoleAssets.load(big, 119))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(ConsoleAssets.ROOT);
  }

  @Test
  void contentType_onlyPlainTopLevelNames() {
    assertThat(ConsoleAssets.contentType("favicon.svg")).contains("image/svg+xml");
    assertThat(ConsoleAssets.contentType("app.js.map")).contains("application/json");
    assertThat(ConsoleAssets.contentType("..")).isEmpty();
    assertThat(ConsoleAssets.contentType("a..js")).isEmpty();
    assertThat(ConsoleAssets.contentType("../gateway.yaml")).isEmpty();
    assertThat(ConsoleAssets.contentType("a/b.js")).isEmpty();
    assertThat(ConsoleAssets.contentType("a b.js")).isEmpty();
    assertThat(ConsoleAssets.contentType("Makefile")).isEmpty();
  }

  @Test
  void ifNoneMatch_listsAndWeakTagsAndStar() {
    assertThat(ConsoleHandler.matches("\"a\", W/\"b\"", "\"b\"")).isTrue();
    assertThat(ConsoleHandler.matches("*", "\"b\"")).isTrue();
    assertThat(ConsoleHandler.matches("\"a\"", "\"b\"")).isFalse();
  }
}
