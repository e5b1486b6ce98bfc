package io.canopy.bench;

/** What every {@link Target} carries for the report: its name and the rows each request holds. */
abstract class NamedTarget implements Target {

  private final String name;
  private final int rowsPerRequest;

  NamedTarget(String name, int rowsPerRequest) {
    this.name = name;
    this.rowsPerRequest = rowsPerRequest;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final int rowsPerRequest() {
    return rowsPerRequest;
  }
}
