package io.canopy.common.auth;

import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The one table per service that says which role each gRPC method needs (or that it is open). A
 * method missing from the table is refused to everyone, so a new RPC cannot be left open by
 * accident; {@link #missing} lets a test check that every method is listed.
 */
public final class MethodRoles {

  private final Map<String, Optional<Role>> byMethod = new HashMap<>();

  /** {@code method} needs {@code role}. */
  public MethodRoles require(MethodDescriptor<?, ?> method, Role role) {
    byMethod.put(method.getFullMethodName(), Optional.of(role));
    return this;
  }

  /** Every method of {@code service} needs {@code role}. */
  public MethodRoles require(ServiceDescriptor service, Role role) {
    service.getMethods().forEach(m -> require(m, role));
    return this;
  }

  /** {@code method} needs no token. */
  public MethodRoles open(MethodDescriptor<?, ?> method) {
    byMethod.put(method.getFullMethodName(), Optional.empty());
    return this;
  }

  /** Every method of {@code service} needs no token (health, reflection). */
  public MethodRoles open(ServiceDescriptor service) {
    service.getMethods().forEach(this::open);
    return this;
  }

  /**
   * The role {@code fullMethodName} needs: empty when open. A method not in the table needs more
   * than any token has (null).
   */
  Optional<Role> needed(String fullMethodName) {
    return byMethod.get(fullMethodName);
  }

  /** Methods of {@code service} the table does not list. */
  public java.util.List<String> missing(ServiceDescriptor service) {
    return service.getMethods().stream()
        .map(MethodDescriptor::getFullMethodName)
        .filter(name -> !byMethod.containsKey(name))
        .toList();
  }
}
