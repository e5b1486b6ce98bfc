package io.canopy.registry.store;

import io.canopy.common.error.CanopyException;
import java.io.IOException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Sorts what S3 and the SDK throw into what the caller can do about it. Unreachable, timed out,
 * throttled or a 5xx: the store is down for now, so the client gets UNAVAILABLE and retries. Any
 * other answer (403, 400 BadDigest, …) is a problem a retry cannot fix: an I/O error, which the
 * registry logs and treats like a failing disk.
 */
final class S3Failures {

  /** What a client is told; the cause stays in the log. */
  static final String UNAVAILABLE =
      "the artifact store cannot be reached: nothing was stored; retry";

  private S3Failures() {}

  /** True when trying again later can succeed (the SDK has already retried a few times). */
  static boolean retryable(Throwable e) {
    if (e instanceof AwsServiceException service) {
      int status = service.statusCode();
      return status >= 500 || status == 408 || status == 429 || service.isThrottlingException();
    }
    // Connection refused or reset, timeouts, a read cut short: the server did not answer.
    return e instanceof SdkClientException || e instanceof IOException;
  }

  /**
   * Throws UNAVAILABLE (and marks the store unreachable) when {@code e} is retryable; otherwise
   * returns the I/O error to throw: {@code throw S3Failures.failure(…)}.
   */
  static IOException failure(String operation, String key, Exception e, S3Health health) {
    if (retryable(e)) {
      health.failed(e);
      throw new CanopyException.Unavailable(UNAVAILABLE, e);
    }
    String detail =
        e instanceof AwsServiceException service && service.awsErrorDetails() != null
            ? service.statusCode() + " " + service.awsErrorDetails().errorCode()
            : e.toString();
    return new IOException(operation + " " + key + " failed: " + detail, e);
  }
}
