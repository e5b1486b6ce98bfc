package io.canopy.registry;

import io.canopy.common.testing.ProcessSuite;
import org.junit.jupiter.api.Nested;

/**
 * The registry's contract suites on PostgreSQL metadata and PostgreSQL artifacts, on the server at
 * 127.0.0.1:5432 (a schema per test, dropped after).
 */
@ProcessSuite
class PostgresqlContractTest {

  @Nested
  class VersionsAndAliases extends VersionsAndAliasesContract {
    VersionsAndAliases() {
      super(Backend.POSTGRESQL);
    }
  }

  @Nested
  class WatchModels extends WatchModelsContract {
    WatchModels() {
      super(Backend.POSTGRESQL);
    }
  }

  @Nested
  class RealWiring extends MainContract {
    RealWiring() {
      super(Backend.POSTGRESQL);
    }
  }
}
