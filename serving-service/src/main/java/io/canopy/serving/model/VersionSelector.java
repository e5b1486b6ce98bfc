package io.canopy.serving.model;

/** Which version of a model a request wants. */
public sealed interface VersionSelector {

  /** The model's default: the "production" alias if set, else "latest". */
  VersionSelector DEFAULT = new Default();

  /** No version named: the model's routing default. */
  record Default() implements VersionSelector {}

  /** An explicit version number. */
  record Explicit(long version) implements VersionSelector {}

  /** An alias such as "production" or "latest". */
  record Alias(String name) implements VersionSelector {}
}
