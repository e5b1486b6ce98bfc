package io.canopy.registry;

import io.canopy.common.testing.ProcessSuite;
import org.junit.jupiter.api.Nested;

/**
 * The registry's contract suites on SQLite metadata and artifacts in S3 (a bucket of an S3Proxy
 * server each test starts on a free loopback port).
 */
@ProcessSuite
class S3ContractTest {

  @Nested
  class VersionsAndAliases extends VersionsAndAliasesContract {
    VersionsAndAliases() {
      super(Backend.SQLITE_S3);
    }
  }

  @Nested
  class WatchModels extends WatchModelsContract {
    WatchModels() {
      super(Backend.SQLITE_S3);
    }
  }

  @Nested
  class RealWiring extends MainContract {
    RealWiring() {
      super(Backend.SQLITE_S3);
    }
  }
}
