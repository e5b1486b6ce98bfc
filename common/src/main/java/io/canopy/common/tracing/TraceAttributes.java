package io.canopy.common.tracing;

import io.opentelemetry.api.common.AttributeKey;

/**
 * The span attributes Canopy sets: its own ({@code canopy.*}) and the OpenTelemetry semantic
 * conventions' rpc.* and http.* ones it can fill without extra work. Keys are made once here, so
 * setting an attribute allocates no key.
 */
public final class TraceAttributes {

  private TraceAttributes() {}

  /** The model a call predicts with. */
  public static final AttributeKey<String> MODEL = AttributeKey.stringKey("canopy.model");

  /** The concrete version that was routed to or computed. */
  public static final AttributeKey<Long> VERSION = AttributeKey.longKey("canopy.version");

  /** The engine of the version: flat, xgboost or lightgbm. */
  public static final AttributeKey<String> ENGINE = AttributeKey.stringKey("canopy.engine");

  /** Rows in a batch sent upstream or computed at once. */
  public static final AttributeKey<Long> BATCH_ROWS = AttributeKey.longKey("canopy.batch.rows");

  /** Callers' requests a gateway batch carries (each one a link of the batch's span). */
  public static final AttributeKey<Long> BATCH_REQUESTS =
      AttributeKey.longKey("canopy.batch.requests");

  /** How a request was routed: version, alias name, split, passthrough. */
  public static final AttributeKey<String> ROUTE = AttributeKey.stringKey("canopy.route");

  /** Attempt number of a retried or hedged call, 1 first. */
  public static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("canopy.attempt");

  /** True on a hedge: the copy of an attempt sent when the first was slow. */
  public static final AttributeKey<Boolean> HEDGE = AttributeKey.booleanKey("canopy.hedge");

  /** Upstream attempts one call took, retries and hedges included. */
  public static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("canopy.attempts");

  /** The feature view a lookup read. */
  public static final AttributeKey<String> FEATURE_VIEW =
      AttributeKey.stringKey("canopy.feature_view");

  /** Entity keys a lookup read. */
  public static final AttributeKey<Long> ENTITY_KEYS = AttributeKey.longKey("canopy.entity.keys");

  /** Rows a lookup left incomplete: some feature absent or expired (it became missing). */
  public static final AttributeKey<Long> INCOMPLETE_ROWS =
      AttributeKey.longKey("canopy.features.incomplete_rows");

  /** The feature store's backend: rocksdb or redis. */
  public static final AttributeKey<String> FEATURE_BACKEND =
      AttributeKey.stringKey("canopy.features.backend");

  public static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
  public static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
  public static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
  public static final AttributeKey<Long> RPC_GRPC_STATUS_CODE =
      AttributeKey.longKey("rpc.grpc.status_code");

  public static final AttributeKey<String> HTTP_METHOD =
      AttributeKey.stringKey("http.request.method");
  public static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
  public static final AttributeKey<Long> HTTP_STATUS =
      AttributeKey.longKey("http.response.status_code");
  public static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
}
