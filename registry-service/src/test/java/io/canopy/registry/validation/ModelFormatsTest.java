package io.canopy.registry.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.proto.registry.v1.ModelFormat;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ModelFormatsTest {

  private static ModelFormat detect(String text) {
    byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
    return ModelFormats.detect(b, b.length);
  }

  @Test
  void detect_jsonObjects_json() {
    assertThat(detect("{\"learner\":{}}")).isEqualTo(ModelFormat.MODEL_FORMAT_JSON);
    assertThat(detect("  \n{ \t\"learner\"")).isEqualTo(ModelFormat.MODEL_FORMAT_JSON);
  }

  @Test
  void detect_ubjObjects_ubj() {
    assertThat(detect("{L\0\0\0\0\0\0\0\7learner")).isEqualTo(ModelFormat.MODEL_FORMAT_UBJ);
    assertThat(detect("{i\7learner")).isEqualTo(ModelFormat.MODEL_FORMAT_UBJ);
    assertThat(detect("{$")).isEqualTo(ModelFormat.MODEL_FORMAT_UBJ);
  }

  @Test
  void detect_lightGbmText_lightgbm() {
    assertThat(detect("tree\nversion=v4\n")).isEqualTo(ModelFormat.MODEL_FORMAT_LIGHTGBM);
    assertThat(detect("tree\r\nversion=v4\r\n")).isEqualTo(ModelFormat.MODEL_FORMAT_LIGHTGBM);
    assertThat(ModelFormats.extension(ModelFormat.MODEL_FORMAT_LIGHTGBM)).isEqualTo("txt");
  }

  @Test
  void detect_anythingElse_unspecified() {
    assertThat(detect("trees\n")).isEqualTo(ModelFormat.MODEL_FORMAT_UNSPECIFIED);
    assertThat(detect("tree")).isEqualTo(ModelFormat.MODEL_FORMAT_UNSPECIFIED);
    assertThat(detect("")).isEqualTo(ModelFormat.MODEL_FORMAT_UNSPECIFIED);
    assertThat(detect("   ")).isEqualTo(ModelFormat.MODEL_FORMAT_UNSPECIFIED);
    assertThat(detect("{")).isEqualTo(ModelFormat.MODEL_FORMAT_UNSPECIFIED);
    assertThat(detect("[1,2]")).isEqualTo(ModelFormat.MODEL_FORMAT_UNSPECIFIED);
    assertThat(detect("{x")).isEqualTo(ModelFormat.MODEL_FORMAT_UNSPECIFIED);
    assertThat(detect("{ L")).isEqualTo(ModelFormat.MODEL_FORMAT_UNSPECIFIED);
    assertThat(detect("binf\0\0\0")).isEqualTo(ModelFormat.MODEL_FORMAT_UNSPECIFIED);
  }
}
