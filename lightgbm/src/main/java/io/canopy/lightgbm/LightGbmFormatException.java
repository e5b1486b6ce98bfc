package io.canopy.lightgbm;

/** A LightGBM text model that this parser refuses, with the part of the file that is wrong. */
public final class LightGbmFormatException extends Exception {

  private final String where;

  public LightGbmFormatException(String where, String reason) {
    super(where + ": " + reason);
    this.where = where;
  }

  /** Where in the file: a header key ("num_class"), or a tree's key ("Tree=3 left_child"). */
  public String where() {
    return where;
  }
}
