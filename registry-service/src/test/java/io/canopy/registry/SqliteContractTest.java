package io.canopy.registry;

import io.canopy.common.testing.ProcessSuite;
import org.junit.jupiter.api.Nested;

/**
 * The registry's contract suites on SQLite metadata and content-addressed directory artifacts (the
 * embedded default).
 */
@ProcessSuite
class SqliteContractTest {

  @Nested
  class VersionsAndAliases extends VersionsAndAliasesContract {
    VersionsAndAliases() {
      super(Backend.SQLITE_DIRECTORY);
    }
  }

  @Nested
  class WatchModels extends WatchModelsContract {
    WatchModels() {
      super(Backend.SQLITE_DIRECTORY);
    }
  }

  @Nested
  class RealWiring extends MainContract {
    RealWiring() {
      super(Backend.SQLITE_DIRECTORY);
    }
  }
}
