package io.canopy.registry.store;

import io.canopy.common.error.CanopyException;
import java.io.IOException;
import java.io.InputStream;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * An object's bytes as they arrive from S3 (nothing buffered beyond the caller's reads). A read
 * that fails midway means the store went away: UNAVAILABLE, like a failed request. Closed before
 * the end, the connection is aborted rather than drained.
 */
final class S3ObjectStream extends InputStream {

  private final ResponseInputStream<?> in;
  private final S3Health health;
  private boolean ended;

  S3ObjectStream(ResponseInputStream<?> in, S3Health health) {
    this.in = in;
    this.health = health;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    try {
      int n = in.read(b, off, len);
      if (n < 0) {
        ended = true;
      }
      return n;
    } catch (IOException | SdkException e) {
      health.failed(e);
      throw new CanopyException.Unavailable(
          "the artifact store stopped answering during the read; retry", e);
    }
  }

  @Override
  public void close() throws IOException {
    if (!ended) {
      in.abort();
    }
    in.close();
  }
}
