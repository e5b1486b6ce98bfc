package io.canopy.registry.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.canopy.common.error.CanopyException;
import org.junit.jupiter.api.Test;

class PageTokensTest {

  @Test
  void decode_tokenOfTheSameList_returnsItsKey() {
    assertThat(PageTokens.decode("models", PageTokens.encode("models", "churn.v2"), ""))
        .isEqualTo("churn.v2");
    assertThat(PageTokens.decodeLong("versions/m", PageTokens.encode("versions/m", "17"), 0))
        .isEqualTo(17);
    assertThat(PageTokens.decode("models", "", "start")).isEqualTo("start");
  }

  @Test
  void decode_foreignOrGarbledToken_invalidArgumentOnPageToken() {
    String versionsOfA = PageTokens.encode("versions/a", "3");

    assertThatThrownBy(() -> PageTokens.decodeLong("versions/b", versionsOfA, 0))
        .isInstanceOfSatisfying(
            CanopyException.InvalidArgument.class,
            e -> assertThat(e.field()).isEqualTo("page_token"));
    assertThatThrownBy(() -> PageTokens.decode("models", "%%%", ""))
        .isInstanceOf(CanopyException.InvalidArgument.class);
  }
}
