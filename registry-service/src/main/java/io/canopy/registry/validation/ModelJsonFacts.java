package io.canopy.registry.validation;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads a few scalar settings out of XGBoost's model JSON by streaming it: only objects on the way
 * to a wanted path are entered, everything else (the trees) is skipped, so memory stays flat
 * however large the model.
 */
final class ModelJsonFacts {

  static final String OBJECTIVE = "learner.objective.name";
  static final String NUM_CLASS = "learner.learner_model_param.num_class";
  static final String BOOSTER = "learner.gradient_booster.name";
  static final String GBTREE_TREES = "learner.gradient_booster.model.gbtree_model_param.num_trees";
  static final String DART_TREES =
      "learner.gradient_booster.gbtree.model.gbtree_model_param.num_trees";

  private static final Set<String> WANTED =
      Set.of(OBJECTIVE, NUM_CLASS, BOOSTER, GBTREE_TREES, DART_TREES);

  private ModelJsonFacts() {}

  /** Wanted path ("a.b.c") to its value as text, for the wanted paths present in the file. */
  static Map<String, String> read(Path json) throws IOException {
    Map<String, String> found = new HashMap<>();
    try (JsonParser parser = new JsonFactory().createParser(json.toFile())) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("model JSON is not an object");
      }
      walk(parser, "", found);
    }
    return found;
  }

  private static void walk(JsonParser parser, String path, Map<String, String> found)
      throws IOException {
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String child = path.isEmpty() ? parser.currentName() : path + "." + parser.currentName();
      JsonToken value = parser.nextToken();
      if (value == JsonToken.START_OBJECT && leadsToWanted(child)) {
        walk(parser, child, found);
      } else if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
        parser.skipChildren();
      } else if (WANTED.contains(child)) {
        found.put(child, parser.getText());
      }
    }
  }

  private static boolean leadsToWanted(String path) {
    String prefix = path + ".";
    for (String wanted : WANTED) {
      if (wanted.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }
}
