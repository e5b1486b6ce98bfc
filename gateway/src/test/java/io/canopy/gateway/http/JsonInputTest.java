package io.canopy.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonFactory;
import io.canopy.common.error.CanopyException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonInputTest {

  private static CanopyException.InvalidArgument parse(String body) {
    return catchThrowableOfType(
        CanopyException.InvalidArgument.class,
        () ->
            JsonInput.parseObject(
                new JsonFactory(),
                body.getBytes(StandardCharsets.UTF_8),
                p -> {
                  while (p.nextToken() != null) {
                    p.getText();
                  }
                  return null;
                }));
  }

  @Test
  void malformed_jacksonLimits_sayWhatIsWrongWithoutLibraryNames() {
    CanopyException.InvalidArgument deep =
        parse("{\"a\": " + "[".repeat(2000) + "]".repeat(2000) + "}");
    CanopyException.InvalidArgument number = parse("{\"a\": " + "1".repeat(1001) + "}");

    assertThat(deep.field()).isEqualTo("body");
    assertThat(deep.getMessage())
        .contains("nesting depth")
        .doesNotContain("`", "StreamReadConstraints", "Exception");
    assertThat(number.getMessage())
        .contains("Number value length")
        .doesNotContain("`", "StreamReadConstraints");
  }

  @Test
  void inUserWords_stripsBackquotedLibraryNames() {
    assertThat(
            JsonInput.inUserWords(
                "Document nesting depth (1001) exceeds the maximum allowed (1000, from"
                    + " `StreamReadConstraints.getMaxNestingDepth()`)"))
        .isEqualTo("Document nesting depth (1001) exceeds the maximum allowed (1000)");
  }

  @Test
  void wellFormed_loneSurrogate_refusedNamingTheField() {
    assertThat(JsonInput.wellFormed("k", "ok-\ud83d\ude00")).isEqualTo("ok-\ud83d\ude00");
    CanopyException.InvalidArgument e =
        catchThrowableOfType(
            CanopyException.InvalidArgument.class, () -> JsonInput.wellFormed("k", "x\udc00"));
    assertThat(e.field()).isEqualTo("k");
    assertThat(e.getMessage()).contains("surrogate");
  }
}
