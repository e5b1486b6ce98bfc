package io.canopy.cli.registry;

import io.canopy.bench.TlsOptions;
import io.canopy.common.grpc.GrpcTransports;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.Executor;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options every registry command shares: where the registry is, its CA, and the admin token. */
public final class RegistryOptions {

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  @Option(
      names = "--registry",
      defaultValue = "${CANOPY_REGISTRY:-127.0.0.1:9100}",
      description = "registry gRPC target (env CANOPY_REGISTRY; default ${DEFAULT-VALUE})")
  String target;

  @Option(
      names = "--token",
      defaultValue = "${CANOPY_TOKEN}",
      description = "admin bearer token for changes (env CANOPY_TOKEN)")
  String token;

  @Option(names = "--json", description = "print JSON instead of a table")
  boolean json;

  @Mixin TlsOptions tls;

  public ManagedChannel channel() {
    return GrpcTransports.channel(
        target, GrpcTransports.DEFAULT_MAX_INBOUND_MESSAGE_BYTES, tls.clientTls());
  }

  public boolean json() {
    return json;
  }

  /** Sends the token, if one was given, as {@code authorization: Bearer …}. */
  public CallCredentials credentials() {
    return bearer(token);
  }

  /** Call credentials sending {@code token}, when not blank, as {@code authorization: Bearer …}. */
  public static CallCredentials bearer(String token) {
    String value = token == null || token.isBlank() ? null : "Bearer " + token.trim();
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(
          RequestInfo info, Executor executor, MetadataApplier applier) {
        Metadata headers = new Metadata();
        if (value != null) {
          headers.put(AUTHORIZATION, value);
        }
        applier.apply(headers);
      }
    };
  }

  /** Work done over a registry channel; returns the command's exit code. */
  @FunctionalInterface
  public interface ChannelWork {
    int run(ManagedChannel channel) throws Exception;
  }

  /**
   * Opens a channel, runs {@code work}, and closes the channel; a failed call is printed as one
   * line on stderr and exits 1.
   */
  public int withChannel(ChannelWork work) throws Exception {
    ManagedChannel channel = channel();
    try {
      return work.run(channel);
    } catch (StatusRuntimeException e) {
      System.err.println(describe(e.getStatus()));
      return 1;
    } finally {
      channel.shutdownNow();
    }
  }

  /** A one-line explanation of a failed call, for stderr. */
  public static String describe(Status status) {
    String line = "canopy: " + status.getCode() + ": " + status.getDescription();
    if (status.getCode() == Status.Code.UNAVAILABLE) {
      // What a new user most often meets here: nothing listening, or TLS on one side only.
      line +=
          " (is the server running at that address? if it serves TLS, pass --tls-ca; if not,"
              + " drop it; if it requires client certificates, pass --tls-cert and --tls-key)";
    }
    return line;
  }
}
