package io.canopy.serving.predict;

/** Model bytes that could not become a {@link Predictor}; the message says why, for operators. */
public final class ModelLoadException extends Exception {

  public ModelLoadException(String message) {
    super(message);
  }

  public ModelLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
