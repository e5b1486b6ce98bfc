package io.canopy.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code --write-body}: saves one request exactly as sent, so external load generators (h2load for
 * gRPC, wrk and hey for HTTP) can replay it; prints the path (gRPC) or URL (HTTP) to hit.
 */
final class BodyExport {

  private BodyExport() {}

  static int write(Target target, Path file, PrintWriter out) throws IOException {
    Files.write(file, target.sampleBody());
    if (target instanceof GrpcTarget<?, ?> grpc) {
      out.println(grpc.path());
    } else if (target instanceof HttpTarget http) {
      out.println(http.uri());
    }
    out.flush();
    return 0;
  }
}
