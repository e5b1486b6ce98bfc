package io.canopy.registry.store;

import java.sql.Connection;
import java.sql.SQLException;

/** Work done on one connection, inside or outside a transaction. */
@FunctionalInterface
interface SqlWork<T> {
  T apply(Connection connection) throws SQLException;
}
