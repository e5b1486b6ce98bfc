package io.canopy.gateway.upstream;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.StatusOr;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Resolves {@code static:///host1:port1,host2:port2} to a fixed list of replicas, one address group
 * each, so round_robin balances over them. (grpc-java 1.76 has no multi-address target of its own.)
 * Registered through {@code META-INF/services}.
 */
public final class StaticNameResolverProvider extends NameResolverProvider {

  static final String SCHEME = "static";

  /** The target for a comma-separated list of {@code host:port}. */
  static String target(List<String> replicas) {
    return SCHEME + ":///" + String.join(",", replicas);
  }

  @Override
  protected boolean isAvailable() {
    return true;
  }

  @Override
  protected int priority() {
    return 5;
  }

  @Override
  public String getDefaultScheme() {
    return SCHEME;
  }

  @Override
  public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
    return List.of(InetSocketAddress.class);
  }

  @Override
  public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
    if (!SCHEME.equals(targetUri.getScheme())) {
      return null;
    }
    String path = targetUri.getPath() == null ? "" : targetUri.getPath();
    List<EquivalentAddressGroup> groups = new ArrayList<>();
    for (String replica : path.replaceFirst("^/", "").split(",")) {
      String trimmed = replica.trim();
      int colon = trimmed.lastIndexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException(
            "static target " + targetUri + ": '" + trimmed + "' is not host:port");
      }
      groups.add(
          new EquivalentAddressGroup(
              new InetSocketAddress(
                  trimmed.substring(0, colon), Integer.parseInt(trimmed.substring(colon + 1)))));
    }
    return new NameResolver() {
      @Override
      public String getServiceAuthority() {
        return "serving";
      }

      @Override
      public void start(Listener2 listener) {
        listener.onResult(
            ResolutionResult.newBuilder()
                .setAddressesOrError(StatusOr.fromValue(List.copyOf(groups)))
                .build());
      }

      @Override
      public void shutdown() {}
    };
  }
}
