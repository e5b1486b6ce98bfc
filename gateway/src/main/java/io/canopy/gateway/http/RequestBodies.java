package io.canopy.gateway.http;

import io.canopy.common.error.CanopyException;
import io.canopy.common.log.RateLimitedLog;
import io.helidon.webserver.http.ServerRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.Semaphore;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Reads request bodies into memory: never more than the per-request limit, and never more than
 * {@code maxBufferedBytes} across all requests being received at once, so bodies that arrive slowly
 * (or never finish) cannot fill the heap between them. A body that would go over the total gets 503
 * (retry later); the bytes are counted while they arrive, then given back. Uploads, too large to
 * hold, are streamed instead ({@link #chunked}), each holding two chunks of the same budget.
 */
final class RequestBodies {

  private static final int CHUNK = 64 * 1024;

  /** One line per minute at most, however many clients stall (no stack traces). */
  private final RateLimitedLog stalledLog =
      new RateLimitedLog(
          Logger.getLogger(RequestBodies.class.getName()),
          Level.INFO,
          Duration.ofMinutes(1),
          System::nanoTime);

  private final int maxBytes;
  private final long maxBufferedBytes;
  private final Semaphore buffered;

  private final StallGuard stalls;

  RequestBodies(int maxBytes, long maxBufferedBytes, StallGuard stalls) {
    this.stalls = stalls;
    this.maxBytes = maxBytes;
    this.maxBufferedBytes = maxBufferedBytes;
    this.buffered = new Semaphore((int) Math.min(Integer.MAX_VALUE, maxBufferedBytes));
  }

  /** The whole body; PayloadTooLarge when it is (or declares to be) over the limit. */
  byte[] read(ServerRequest request) {
    OptionalLong declared = request.headers().contentLength();
    if (declared.isPresent() && declared.getAsLong() > maxBytes) {
      throw tooLarge();
    }
    int held = 0;
    try (InputStream in = request.content().inputStream()) {
      ByteArrayOutputStream body =
          new ByteArrayOutputStream(
              declared.isPresent() ? (int) Math.min(declared.getAsLong(), CHUNK) : 256);
      byte[] chunk = new byte[CHUNK];
      while (true) {
        // Counted before it is read: one byte past the limit tells an oversized chunked body
        // from one exactly at the limit.
        int want = (int) Math.min(CHUNK, (long) maxBytes + 1 - body.size());
        if (want <= 0) {
          throw tooLarge();
        }
        if (!buffered.tryAcquire(want)) {
          throw new CanopyException.Unavailable(
              "the gateway is receiving too many request bodies at once"
                  + " (gateway.http.max-buffered-bytes: "
                  + maxBufferedBytes
                  + "); retry");
        }
        int n = -1;
        java.util.concurrent.ScheduledFuture<?> deadline = stalls.arm();
        try {
          n = in.read(chunk, 0, want);
        } catch (IOException | RuntimeException e) {
          // Helidon reports a read timeout as its own RuntimeException: a stalled client.
          throw stalled(e);
        } finally {
          stalls.disarm(deadline);
          buffered.release(want - Math.max(n, 0)); // keep only what arrived
        }
        if (n < 0) {
          break;
        }
        held += n;
        body.write(chunk, 0, n);
        if (body.size() > maxBytes) {
          throw tooLarge();
        }
      }
      return body.toByteArray();
    } catch (IOException e) {
      throw stalled(e);
    } finally {
      buffered.release(held);
    }
  }

  /** Takes each chunk of a streamed body; it may block (the upstream's flow control). */
  interface Chunks {
    void accept(byte[] chunk, int length);
  }

  /**
   * Opens a body to stream chunk by chunk (an upload) rather than hold whole: at most {@code
   * maxBytes} (a declared Content-Length over it gets 413 before anything is read), and two chunks'
   * worth of the shared budget held while it streams (none left: 503), which bounds what all
   * uploads together keep in memory: the chunk being filled and the one the upstream is sending.
   */
  ChunkedBody chunked(ServerRequest request, long maxBytes, int chunkBytes, String limitKey) {
    OptionalLong declared = request.headers().contentLength();
    if (declared.isPresent() && declared.getAsLong() > maxBytes) {
      throw tooLarge(maxBytes, limitKey);
    }
    int reserved = 2 * chunkBytes;
    if (!buffered.tryAcquire(reserved)) {
      throw new CanopyException.Unavailable(
          "the gateway is receiving too many request bodies at once"
              + " (gateway.http.max-buffered-bytes: "
              + maxBufferedBytes
              + "); retry");
    }
    return new ChunkedBody(request, maxBytes, chunkBytes, limitKey, reserved);
  }

  /** A body being streamed; closing it gives its share of the budget back. */
  final class ChunkedBody implements AutoCloseable {
    private final ServerRequest request;
    private final long maxBytes;
    private final int chunkBytes;
    private final String limitKey;
    private final int reserved;

    private ChunkedBody(
        ServerRequest request, long maxBytes, int chunkBytes, String limitKey, int reserved) {
      this.request = request;
      this.maxBytes = maxBytes;
      this.chunkBytes = chunkBytes;
      this.limitKey = limitKey;
      this.reserved = reserved;
    }

    /**
     * Hands the body to {@code sink} in chunks of {@code chunkBytes} (the last may be shorter),
     * each once it has arrived, reusing one buffer; the total. PayloadTooLarge as soon as the body
     * passes {@code maxBytes}, before the chunk that passed it is handed on; BodyStalled when the
     * client stops sending for the read timeout.
     */
    long forEach(Chunks sink) {
      byte[] chunk = new byte[chunkBytes];
      long total = 0;
      try (InputStream in = request.content().inputStream()) {
        while (true) {
          int filled = 0;
          boolean end = false;
          while (filled < chunk.length) {
            int n = -1;
            java.util.concurrent.ScheduledFuture<?> deadline = stalls.arm();
            try {
              n = in.read(chunk, filled, chunk.length - filled);
            } catch (IOException | RuntimeException e) {
              throw stalled(e);
            } finally {
              stalls.disarm(deadline);
            }
            if (n < 0) {
              end = true;
              break;
            }
            filled += n;
            if (total + filled > maxBytes) {
              throw tooLarge(maxBytes, limitKey);
            }
          }
          if (filled > 0) {
            sink.accept(chunk, filled);
            total += filled;
          }
          if (end) {
            return total;
          }
        }
      } catch (IOException e) {
        throw stalled(e);
      }
    }

    @Override
    public void close() {
      buffered.release(reserved);
    }
  }

  /**
   * A read that failed: a timeout or a broken connection (408), or a chunk size that is no
   * hexadecimal number (Helidon's parser throws NumberFormatException or IllegalArgumentException
   * for it: 400). The client's doing either way, not the gateway's: one rate-limited line.
   */
  private BodyStalled stalled(Exception e) {
    if (e instanceof IllegalArgumentException) { // NumberFormatException is one
      stalledLog.log("closed a request whose chunked body was malformed");
      return new BodyStalled(400, "body: malformed chunked transfer encoding");
    }
    stalledLog.log(
        "closed a request whose body stopped arriving (" + e.getClass().getSimpleName() + ")");
    return new BodyStalled(
        408, "body: nothing arrived for gateway.http.read-timeout, or the connection broke");
  }

  private PayloadTooLarge tooLarge() {
    return new PayloadTooLarge("body: larger than the gateway's limit of " + maxBytes + " bytes");
  }

  private static PayloadTooLarge tooLarge(long limit, String key) {
    return new PayloadTooLarge(
        "body: larger than the gateway's limit of " + limit + " bytes (" + key + ")");
  }
}
