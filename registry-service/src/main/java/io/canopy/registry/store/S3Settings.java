package io.canopy.registry.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the S3 artifact store keeps artifacts ({@code registry.artifacts.s3.*}), validated so that
 * a bad value stops the registry at startup naming its key.
 *
 * @param bucket the bucket (S3 naming rules: 3-63 of {@code [a-z0-9.-]}, starting and ending with a
 *     letter or digit, no "..", not an IP address)
 * @param prefix prepended to every key ({@code <prefix>sha256/ab/abcd…}): empty, or ending in "/"
 * @param region the signing region ({@code us-east-1} for most S3-compatible servers)
 * @param endpoint an S3-compatible server (MinIO, Ceph, S3Proxy…); empty for AWS itself
 * @param pathStyle {@code http://host/bucket/key} instead of {@code http://bucket.host/key}; most
 *     self-hosted servers need it
 * @param accessKeyId with {@code secretAccessKey}: static credentials; both empty: the AWS SDK's
 *     default chain (environment, profile, web identity, container or instance role)
 * @param secretAccessKey the secret of {@code accessKeyId}
 */
public record S3Settings(
    String bucket,
    String prefix,
    String region,
    Optional<URI> endpoint,
    boolean pathStyle,
    String accessKeyId,
    String secretAccessKey) {

  private static final String KEY = "registry.artifacts.s3.";
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  private static final Pattern IP_ADDRESS = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern PREFIX = Pattern.compile("([A-Za-z0-9!_.*'()-]+/)*");

  public S3Settings {
    Objects.requireNonNull(endpoint, KEY + "endpoint");
    checkBucket(bucket);
    if (prefix == null || prefix.length() > 512 || !PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          KEY
              + "prefix: '"
              + prefix
              + "' must be empty or path segments of [A-Za-z0-9!_.*'()-], each ending in '/'"
              + " (e.g. canopy/ or teams/ml/)");
    }
    if (region == null || region.isBlank()) {
      throw new IllegalArgumentException(
          KEY + "region: must not be blank (us-east-1 suits most S3-compatible servers)");
    }
    endpoint.ifPresent(S3Settings::checkEndpoint);
    accessKeyId = accessKeyId == null ? "" : accessKeyId;
    secretAccessKey = secretAccessKey == null ? "" : secretAccessKey;
    if (accessKeyId.isEmpty() != secretAccessKey.isEmpty()) {
      throw new IllegalArgumentException(
          KEY
              + (accessKeyId.isEmpty() ? "access-key-id" : "secret-access-key")
              + ": set both access-key-id and secret-access-key, or neither (then the AWS SDK's"
              + " default credentials chain is used)");
    }
  }

  private static void checkBucket(String bucket) {
    if (bucket == null || bucket.isEmpty()) {
      throw new IllegalArgumentException(
          KEY + "bucket: required when registry.artifacts.backend is s3");
    }
    if (!BUCKET.matcher(bucket).matches()
        || bucket.contains("..")
        || IP_ADDRESS.matcher(bucket).matches()
        || bucket.startsWith("xn--")) {
      throw new IllegalArgumentException(
          KEY
              + "bucket: '"
              + bucket
              + "' is not a valid bucket name (3-63 lower-case letters, digits, '.' and '-',"
              + " starting and ending with a letter or digit, no '..', not an IP address)");
    }
  }

  private static void checkEndpoint(URI endpoint) {
    String scheme = endpoint.getScheme();
    if (!("http".equals(scheme) || "https".equals(scheme))
        || endpoint.getHost() == null
        || endpoint.getRawQuery() != null
        || endpoint.getRawFragment() != null) {
      throw new IllegalArgumentException(
          KEY
              + "endpoint: '"
              + endpoint
              + "' must be an http(s) URL with a host, e.g. http://127.0.0.1:9000 (empty for AWS)");
    }
  }

  /** Parses {@code registry.artifacts.s3.endpoint}: empty means AWS itself. */
  public static Optional<URI> endpoint(String text) {
    String value = text == null ? "" : text.trim();
    if (value.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new URI(value));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          KEY + "endpoint: '" + value + "' is not a URL (" + e.getReason() + ")", e);
    }
  }

  /** True when static credentials are configured (else the SDK's default chain applies). */
  public boolean staticCredentials() {
    return !accessKeyId.isEmpty();
  }

  @Override
  public String toString() {
    return "S3Settings[bucket="
        + bucket
        + ", prefix="
        + prefix
        + ", region="
        + region
        + ", endpoint="
        + endpoint.map(URI::toString).orElse("AWS")
        + ", pathStyle="
        + pathStyle
        + ", credentials="
        + (staticCredentials() ? "static, secret <redacted>" : "default chain")
        + "]";
  }
}
