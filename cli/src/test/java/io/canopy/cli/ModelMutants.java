package io.canopy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.canopy.common.digest.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Deterministic mutations of model files for fuzzing the registry and serving: bit flips,
 * truncations, byte runs zeroed or set to 0xFF, swapped and duplicated spans, heads of one model
 * spliced onto tails of another, and for JSON models changed numbers and deleted keys. The same
 * seed always yields the same mutants; duplicates (by content) are skipped.
 */
final class ModelMutants {

  /** One mutated file: where it came from and what was done to it. */
  record Mutant(int index, String source, String kind, byte[] bytes) {
    @Override
    public String toString() {
      return "#" + index + " " + kind + " of " + source + " (" + bytes.length + " bytes)";
    }
  }

  private static final Pattern NUMBER = Pattern.compile("-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?");
  private static final String[] ODD_NUMBERS = {
    "0",
    "-1",
    "1",
    "2147483647",
    "-2147483648",
    "4294967296",
    "9223372036854775807",
    "1e38",
    "-1e38",
    "3.5e39",
    "1e-45",
    "0.5",
    "-0.0",
    "1e400",
    "30",
    "31",
    "1000000000"
  };
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SplittableRandom random;
  private final Map<String, byte[]> sources;
  private final List<String> names;

  /**
   * @param sources file name (ending .json for JSON models, .txt for LightGBM text) to its bytes
   */
  ModelMutants(long seed, Map<String, byte[]> sources) {
    this.random = new SplittableRandom(seed);
    this.sources = new LinkedHashMap<>(sources);
    this.names = List.copyOf(sources.keySet());
  }

  /** {@code count} distinct mutants, none equal to a source, sources taken in turn. */
  List<Mutant> generate(int count) {
    Set<String> seen = new HashSet<>();
    sources.values().forEach(b -> seen.add(Sha256.hex(b)));
    List<Mutant> out = new ArrayList<>(count);
    int attempts = 0;
    while (out.size() < count) {
      if (++attempts > count * 10) {
        throw new IllegalStateException("cannot make " + count + " distinct mutants");
      }
      String source = names.get(out.size() % names.size());
      Mutant m = mutate(out.size(), source, sources.get(source));
      if (m.bytes().length > 0 && seen.add(Sha256.hex(m.bytes()))) {
        out.add(m);
      }
    }
    return out;
  }

  private Mutant mutate(int index, String source, byte[] original) {
    boolean json = source.endsWith(".json");
    if (source.endsWith(".txt") && random.nextInt(10) >= 7) { // LightGBM's text format
      return random.nextBoolean()
          ? new Mutant(index, source, "text-number", changeNumber(original))
          : new Mutant(index, source, "text-deleted-line", deleteLine(original));
    }
    int choice = random.nextInt(json ? 10 : 7);
    return switch (choice) {
      case 0 -> new Mutant(index, source, "bit-flips", flipBits(original));
      case 1 -> new Mutant(index, source, "truncation", truncate(original));
      case 2 -> new Mutant(index, source, "zeroed-run", fillRun(original, (byte) 0));
      case 3 -> new Mutant(index, source, "0xff-run", fillRun(original, (byte) 0xff));
      case 4 -> new Mutant(index, source, "swapped-spans", swapSpans(original));
      case 5 -> new Mutant(index, source, "duplicated-span", duplicateSpan(original));
      case 6 -> {
        String other = names.get(random.nextInt(names.size()));
        yield new Mutant(
            index, source, "splice-with-" + other, splice(original, sources.get(other)));
      }
      case 7, 8 -> new Mutant(index, source, "json-number", changeNumber(original));
      default -> new Mutant(index, source, "json-deleted-key", deleteKey(original));
    };
  }

  private byte[] flipBits(byte[] original) {
    byte[] b = original.clone();
    int flips = 1 + random.nextInt(16);
    for (int i = 0; i < flips; i++) {
      int bit = random.nextInt(b.length * 8);
      b[bit / 8] ^= (byte) (1 << (bit % 8));
    }
    return b;
  }

  private byte[] truncate(byte[] original) {
    return Arrays.copyOf(original, 1 + random.nextInt(original.length - 1));
  }

  private byte[] fillRun(byte[] original, byte value) {
    byte[] b = original.clone();
    int length = 1 + random.nextInt(256);
    int from = random.nextInt(b.length - length);
    Arrays.fill(b, from, from + length, value);
    return b;
  }

  /** Two non-overlapping spans of equal length exchanged. */
  private byte[] swapSpans(byte[] original) {
    byte[] b = original.clone();
    int length = 1 + random.nextInt(Math.min(4096, b.length / 4));
    int first = random.nextInt(b.length / 2 - length);
    int second = b.length / 2 + random.nextInt(b.length / 2 - length);
    System.arraycopy(original, first, b, second, length);
    System.arraycopy(original, second, b, first, length);
    return b;
  }

  /** A span copied and inserted again somewhere else (the file grows). */
  private byte[] duplicateSpan(byte[] original) {
    int length = 1 + random.nextInt(Math.min(4096, original.length / 4));
    int from = random.nextInt(original.length - length);
    int at = random.nextInt(original.length);
    byte[] b = new byte[original.length + length];
    System.arraycopy(original, 0, b, 0, at);
    System.arraycopy(original, from, b, at, length);
    System.arraycopy(original, at, b, at + length, original.length - at);
    return b;
  }

  /** The head of {@code head} up to a random offset, then the tail of {@code tail} from one. */
  private byte[] splice(byte[] head, byte[] tail) {
    int cut = 1 + random.nextInt(head.length - 1);
    int from = random.nextInt(tail.length);
    byte[] b = new byte[cut + tail.length - from];
    System.arraycopy(head, 0, b, 0, cut);
    System.arraycopy(tail, from, b, cut, tail.length - from);
    return b;
  }

  /** One number in the text (also inside strings, as "num_feature":"30") replaced. */
  private byte[] changeNumber(byte[] original) {
    String text = new String(original, StandardCharsets.UTF_8);
    List<int[]> spans = new ArrayList<>();
    Matcher m = NUMBER.matcher(text);
    while (m.find()) {
      spans.add(new int[] {m.start(), m.end()});
    }
    int[] span = spans.get(random.nextInt(spans.size()));
    String replacement =
        random.nextBoolean()
            ? ODD_NUMBERS[random.nextInt(ODD_NUMBERS.length)]
            : Integer.toString(random.nextInt(-100, 100));
    String mutated = text.substring(0, span[0]) + replacement + text.substring(span[1]);
    return mutated.getBytes(StandardCharsets.UTF_8);
  }

  /** One line of a text model removed. */
  private byte[] deleteLine(byte[] original) {
    List<String> lines =
        new ArrayList<>(List.of(new String(original, StandardCharsets.UTF_8).split("\n", -1)));
    lines.remove(random.nextInt(lines.size()));
    return String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
  }

  /** One key of one (randomly chosen) object removed; the rest re-serialized unchanged. */
  private byte[] deleteKey(byte[] original) {
    try {
      JsonNode root = JSON.readTree(original);
      List<ObjectNode> objects = new ArrayList<>();
      collectObjects(root, objects);
      List<ObjectNode> nonEmpty = objects.stream().filter(o -> !o.isEmpty()).toList();
      ObjectNode target = nonEmpty.get(random.nextInt(nonEmpty.size()));
      List<String> keys = new ArrayList<>();
      target.fieldNames().forEachRemaining(keys::add);
      target.remove(keys.get(random.nextInt(keys.size())));
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void collectObjects(JsonNode node, List<ObjectNode> out) {
    if (node instanceof ObjectNode o) {
      out.add(o);
      for (Iterator<JsonNode> it = o.elements(); it.hasNext(); ) {
        collectObjects(it.next(), out);
      }
    } else if (node instanceof ArrayNode a) {
      for (JsonNode child : a) {
        collectObjects(child, out);
      }
    }
  }
}
