package io.canopy.gateway.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.canopy.common.error.CanopyException;
import io.canopy.proto.registry.v1.ShadowTarget;
import io.canopy.proto.registry.v1.TrafficPolicy;
import io.canopy.proto.registry.v1.TrafficSplit;
import java.io.IOException;

/**
 * Reads the bodies of the registry writes strictly: every field known, every value of its type,
 * else 400 naming the field. A misspelt key ("percentage", "sample-rate") would otherwise be
 * dropped silently and the policy stored without it, which for traffic is worse than an error.
 * Whether the policy makes sense (percents summing to 100, targets READY) is the registry's to say.
 */
final class RegistryWritesParser {

  private final JsonFactory json;

  RegistryWritesParser(JsonFactory json) {
    this.json = json;
  }

  /** {@code {"version": n}}: the version an alias points at. */
  long aliasVersion(byte[] body) {
    return JsonInput.parseObject(
        json,
        body,
        p -> {
          long version = 0;
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            if (!field.equals("version")) {
              throw unknown(field, "version");
            }
            version = positive(p, "version");
          }
          if (version == 0) {
            throw JsonInput.invalid("version", "is required: the version the alias points at");
          }
          return version;
        });
  }

  /**
   * {@code {"splits": [{"version": n | "alias": a, "percent": p}], "sticky": b, "shadow":
   * {"version": n, "sample_rate": r}, "pinned": b}}; {@code "splits": []} clears the policy.
   */
  TrafficPolicy policy(byte[] body) {
    return JsonInput.parseObject(
        json,
        body,
        p -> {
          TrafficPolicy.Builder policy = TrafficPolicy.newBuilder();
          boolean splits = false;
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
              case "splits" -> {
                splits = true;
                splits(p, policy);
              }
              case "sticky" -> policy.setSticky(bool(p, "sticky"));
              case "pinned" -> policy.setPinned(bool(p, "pinned"));
              case "shadow" -> {
                if (p.currentToken() != JsonToken.VALUE_NULL) {
                  policy.setShadow(shadow(p));
                }
              }
              default -> throw unknown(field, "splits, sticky, shadow, pinned");
            }
          }
          if (!splits) {
            throw JsonInput.invalid("splits", "is required ([] clears the policy)");
          }
          return policy.build();
        });
  }

  private static void splits(JsonParser p, TrafficPolicy.Builder policy) throws IOException {
    JsonInput.expect(p, JsonToken.START_ARRAY, "splits", "must be an array");
    int i = 0;
    while (p.nextToken() != JsonToken.END_ARRAY) {
      policy.addSplits(split(p, "splits[" + i++ + "]"));
    }
  }

  private static TrafficSplit split(JsonParser p, String at) throws IOException {
    JsonInput.expect(p, JsonToken.START_OBJECT, at, "must be an object");
    TrafficSplit.Builder split = TrafficSplit.newBuilder();
    boolean percent = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "version" -> {
          target(split, at);
          split.setVersion(positive(p, at + ".version"));
        }
        case "alias" -> {
          target(split, at);
          split.setAlias(Names.name(at + ".alias", JsonInput.string(p, at + ".alias")));
        }
        case "percent" -> {
          long value = JsonInput.integer(p, at + ".percent");
          if (value < 0 || value > 100) {
            throw JsonInput.invalid(at + ".percent", value + " is not an integer from 0 to 100");
          }
          split.setPercent((int) value);
          percent = true;
        }
        default -> throw unknown(at + "." + field, "version or alias, percent");
      }
    }
    if (split.getTargetCase() == TrafficSplit.TargetCase.TARGET_NOT_SET) {
      throw JsonInput.invalid(at, "needs a version or an alias");
    }
    if (!percent) {
      throw JsonInput.invalid(at + ".percent", "is required");
    }
    return split.build();
  }

  private static void target(TrafficSplit.Builder split, String at) {
    if (split.getTargetCase() != TrafficSplit.TargetCase.TARGET_NOT_SET) {
      throw JsonInput.invalid(at, "names both a version and an alias; give one");
    }
  }

  private static ShadowTarget shadow(JsonParser p) throws IOException {
    JsonInput.expect(p, JsonToken.START_OBJECT, "shadow", "must be an object or null");
    ShadowTarget.Builder shadow = ShadowTarget.newBuilder();
    boolean rate = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "version" -> shadow.setVersion(positive(p, "shadow.version"));
        case "sample_rate" -> {
          if (!p.currentToken().isNumeric()) {
            throw JsonInput.invalid("shadow.sample_rate", "must be a number in (0, 1]");
          }
          shadow.setSampleRate(p.getDoubleValue());
          rate = true;
        }
        default -> throw unknown("shadow." + field, "version, sample_rate");
      }
    }
    if (shadow.getVersion() == 0) {
      throw JsonInput.invalid("shadow.version", "is required");
    }
    if (!rate) {
      throw JsonInput.invalid("shadow.sample_rate", "is required");
    }
    return shadow.build();
  }

  private static long positive(JsonParser p, String field) throws IOException {
    long value = JsonInput.integer(p, field);
    if (value < 1) {
      throw JsonInput.invalid(field, value + " is not a positive version number");
    }
    return value;
  }

  private static boolean bool(JsonParser p, String field) {
    return switch (p.currentToken()) {
      case VALUE_TRUE -> true;
      case VALUE_FALSE -> false;
      default -> throw JsonInput.invalid(field, "must be true or false");
    };
  }

  private static CanopyException.InvalidArgument unknown(String field, String known) {
    return JsonInput.invalid(field, "unknown field (known: " + known + ")");
  }
}
