package io.canopy.cli;

import static io.canopy.cli.CliRun.canopy;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.canopy.cli.up.Suite;
import io.canopy.common.testing.ProcessSuite;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** The {@code canopy} commands as a user types them, against a suite on port 0. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ProcessSuite
class CliCommandsTest {

  @TempDir static Path dir;
  private static Suite suite;
  private static String registry;

  @BeforeAll
  static void start() {
    suite = TestSuites.start(dir);
    registry = "127.0.0.1:" + suite.registry().grpcPort();
  }

  @AfterAll
  static void stop() {
    if (suite != null) {
      suite.close();
    }
  }

  @Test
  @Order(1)
  void register_thenVersionsAndModels_showTheReadyVersion() throws Exception {
    Path model = dir.resolve("model.ubj");
    Files.write(model, Fixtures.bytes("breast_cancer_binary.ubj"));
    CliRun first =
        canopy("register", "bc", model.toString(), "--alias", "production", "--registry", registry);
    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(first.out()).contains("bc version 1 READY").contains("30 features");
    CliRun second = canopy("register", "bc", model.toString(), "--registry", registry);
    assertThat(second.out()).contains("bc version 2 READY");

    CliRun versions = canopy("versions", "bc", "--registry", registry);
    assertThat(versions.out().lines().toList())
        .first()
        .asString()
        .startsWith("VERSION")
        .contains("STATE");
    assertThat(versions.out()).contains("READY").contains("binary:logistic");

    JsonNode json =
        new ObjectMapper()
            .readTree(canopy("versions", "bc", "--json", "--registry", registry).out());
    assertThat(json.size()).isEqualTo(2);
    assertThat(json.get(0).get("version").asText()).isEqualTo("2");

    CliRun models = canopy("models", "list", "--registry", registry);
    assertThat(models.out()).contains("bc").contains("production=1");
  }

  @Test
  @Order(2)
  void aliasAndRoute_changeTheModel_andBadInputIsRefused() {
    CliRun alias = canopy("alias", "set", "bc", "canary", "2", "--registry", registry);
    assertThat(alias.exit()).as(alias.err()).isZero();
    assertThat(alias.out()).contains("canary=2").contains("production=1");

    CliRun route = canopy("route", "bc", "1=90,2=10", "--sticky", "--registry", registry);
    assertThat(route.exit()).as(route.err()).isZero();
    assertThat(route.out()).contains("1=90,2=10 sticky");

    CliRun badSum = canopy("route", "bc", "1=90,2=20", "--registry", registry);
    assertThat(badSum.exit()).isEqualTo(1);
    assertThat(badSum.err()).contains("INVALID_ARGUMENT");

    CliRun badSyntax = canopy("route", "bc", "1:90", "--registry", registry);
    assertThat(badSyntax.exit()).isEqualTo(2);

    CliRun removed = canopy("alias", "rm", "bc", "canary", "--registry", registry);
    assertThat(removed.exit()).as(removed.err()).isZero();
    assertThat(removed.out()).doesNotContain("canary");

    CliRun unknown = canopy("alias", "set", "nope", "production", "1", "--registry", registry);
    assertThat(unknown.exit()).isEqualTo(1);
    assertThat(unknown.err()).contains("NOT_FOUND");
  }

  @Test
  @Order(3)
  void pin_keepsTheModelInMemory_statusShowsIt_routeKeepsIt_versionsShowTheNativeMeasure() {
    CliRun pin = canopy("pin", "bc", "--registry", registry);
    assertThat(pin.exit()).as(pin.err()).isZero();
    assertThat(pin.out()).contains("1=90,2=10 sticky pinned");
    CliRun route = canopy("route", "bc", "1=50,2=50", "--registry", registry);
    assertThat(route.out()).contains("1=50,2=50 pinned");

    String serving = "127.0.0.1:" + suite.serving().grpcPort();
    io.canopy.common.testing.Await.until(
        "serving sees the pin",
        () -> canopy("status", "bc", "--target", serving).out().contains("yes"));
    CliRun status = canopy("status", "bc", "--target", serving);
    assertThat(status.exit()).as(status.err()).isZero();
    assertThat(status.out().lines().toList())
        .first()
        .asString()
        .startsWith("MODEL")
        .contains("CHARGED")
        .contains("PINNED");
    assertThat(status.out()).contains("AVAILABLE").contains("flat").contains("KiB");
    assertThat(status.out()).contains("charged against the memory budget:");

    CliRun versions = canopy("versions", "bc", "--registry", registry);
    assertThat(versions.out()).contains("NATIVE").containsPattern("\\d+\\.\\d KiB");

    CliRun off = canopy("pin", "bc", "--off", "--registry", registry);
    assertThat(off.out()).contains("1=50,2=50").doesNotContain("pinned");
  }
}
