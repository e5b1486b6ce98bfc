package io.canopy.registry.store;

import io.canopy.common.digest.Sha256;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * One multipart upload of a staged file: parts of a fixed size, each sent with its own SHA-256 for
 * the server to check, then completed. Any failure aborts the upload, so no parts linger and the
 * key never shows anything (S3 makes the object visible only at completion, whole).
 */
final class S3Multipart {

  private static final Logger LOG = Logger.getLogger(S3Multipart.class.getName());

  private S3Multipart() {}

  /** Uploads {@code size} bytes of {@code source} to {@code key} in parts of {@code partBytes}. */
  static void upload(S3Client s3, String bucket, String key, Path source, long size, int partBytes)
      throws IOException {
    String uploadId =
        s3.createMultipartUpload(
                b -> b.bucket(bucket).key(key).checksumAlgorithm(ChecksumAlgorithm.SHA256))
            .uploadId();
    boolean completed = false;
    try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ)) {
      // One part in memory at a time (8 MiB by default), re-readable for the SDK's retries.
      byte[] buffer = new byte[(int) Math.min(partBytes, size)];
      List<CompletedPart> parts = new ArrayList<>();
      long offset = 0;
      for (int number = 1; offset < size; number++) {
        int length = (int) Math.min(partBytes, size - offset);
        readFully(in, buffer, length, offset);
        MessageDigest digest = Sha256.newDigest();
        digest.update(buffer, 0, length);
        String checksum = Base64.getEncoder().encodeToString(digest.digest());
        int partNumber = number;
        UploadPartResponse part =
            s3.uploadPart(
                b ->
                    b.bucket(bucket)
                        .key(key)
                        .uploadId(uploadId)
                        .partNumber(partNumber)
                        .contentLength((long) length)
                        .checksumSHA256(checksum),
                RequestBody.fromContentProvider(
                    () -> new ByteArrayInputStream(buffer, 0, length),
                    length,
                    "application/octet-stream"));
        parts.add(
            CompletedPart.builder()
                .partNumber(partNumber)
                .eTag(part.eTag())
                .checksumSHA256(checksum)
                .build());
        offset += length;
      }
      s3.completeMultipartUpload(
          b -> b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
      completed = true;
    } finally {
      if (!completed) {
        abort(s3, bucket, key, uploadId);
      }
    }
  }

  /**
   * Best effort: when the server is gone the abort fails too, and the parts stay (never visible as
   * an object) until the bucket's lifecycle rule for incomplete multipart uploads removes them.
   */
  private static void abort(S3Client s3, String bucket, String key, String uploadId) {
    try {
      s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "cannot abort multipart upload "
              + uploadId
              + " of "
              + key
              + "; its parts stay until the bucket's lifecycle rule removes them",
          e);
    }
  }

  private static void readFully(FileChannel in, byte[] buffer, int length, long offset)
      throws IOException {
    ByteBuffer target = ByteBuffer.wrap(buffer, 0, length);
    while (target.hasRemaining()) {
      if (in.read(target, offset + target.position()) < 0) {
        throw new EOFException("the staged file ended early at " + (offset + target.position()));
      }
    }
  }
}
