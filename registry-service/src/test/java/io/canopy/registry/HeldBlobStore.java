package io.canopy.registry;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * The S3 test server's blob store, counting the calls that move bytes and able to hold one transfer
 * midway: a test waits until the bytes have reached the hold, stops the server, then releases it,
 * and the held transfer fails as a cut connection would (the server never gets, or sends, the
 * rest).
 */
public final class HeldBlobStore extends ForwardingBlobStore {

  /** Which transfers a hold applies to. */
  public enum Transfer {
    PUT_OBJECT,
    UPLOAD_PART,
    GET_OBJECT
  }

  public final AtomicInteger puts = new AtomicInteger();
  public final AtomicInteger parts = new AtomicInteger();
  public final AtomicInteger gets = new AtomicInteger();
  private volatile Hold hold;

  HeldBlobStore(BlobStore delegate) {
    super(delegate);
  }

  /** The next {@code transfer} stops after {@code afterBytes} bytes until {@link Hold#fail()}. */
  public Hold holdNext(Transfer transfer, long afterBytes) {
    Hold h = new Hold(transfer, afterBytes);
    hold = h;
    return h;
  }

  private InputStream held(Transfer transfer, InputStream in) {
    Hold h = hold;
    if (h == null || h.transfer != transfer) {
      return in;
    }
    hold = null;
    return new HeldStream(in, h);
  }

  /**
   * S3Proxy keeps each open multipart upload as a stub object with this prefix (where S3 keeps an
   * incomplete upload, never listed as an object): its bookkeeping, not an object of ours.
   */
  public static final String MULTIPART_STUB = ".s3proxy-mpu-stub-";

  @Override
  public PutObjectResponse putBlob(PutObjectRequest request, InputStream in) {
    if (!request.key().startsWith(MULTIPART_STUB)) {
      puts.incrementAndGet();
    }
    return delegate().putBlob(request, held(Transfer.PUT_OBJECT, in));
  }

  @Override
  public UploadPartResponse uploadMultipartPart(
      MultipartUpload upload, UploadPartRequest request, InputStream in) {
    parts.incrementAndGet();
    return delegate().uploadMultipartPart(upload, request, held(Transfer.UPLOAD_PART, in));
  }

  @Override
  public ResponseInputStream<GetObjectResponse> getBlob(GetObjectRequest request) {
    gets.incrementAndGet();
    ResponseInputStream<GetObjectResponse> blob = delegate().getBlob(request);
    InputStream body = held(Transfer.GET_OBJECT, blob);
    return body == blob ? blob : new ResponseInputStream<>(blob.response(), body);
  }

  /** One held transfer. */
  public static final class Hold {
    private final Transfer transfer;
    private final long afterBytes;
    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch failed = new CountDownLatch(1);

    private Hold(Transfer transfer, long afterBytes) {
      this.transfer = transfer;
      this.afterBytes = afterBytes;
    }

    /** Waits until the transfer has moved {@code afterBytes} and stopped there. */
    public void awaitReached(Duration bound) throws InterruptedException {
      if (!reached.await(bound.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(transfer + " never reached the hold");
      }
    }

    /** Lets the held transfer go on, failing. */
    public void fail() {
      failed.countDown();
    }
  }

  private static final class HeldStream extends FilterInputStream {
    private final Hold hold;
    private long moved;

    HeldStream(InputStream in, Hold hold) {
      super(in);
      this.hold = hold;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (moved >= hold.afterBytes) {
        hold.reached.countDown();
        try {
          hold.failed.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw new IOException("the connection was cut (held by the test)");
      }
      int n = super.read(b, off, (int) Math.min(len, hold.afterBytes - moved));
      if (n > 0) {
        moved += n;
      }
      return n;
    }
  }
}
