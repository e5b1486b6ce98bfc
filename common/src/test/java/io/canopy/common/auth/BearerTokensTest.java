package io.canopy.common.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class BearerTokensTest {

  private final BearerTokens tokens =
      new BearerTokens(
          List.of(
              new BearerTokens.Token("ci", "0123456789abcdef-ci"),
              new BearerTokens.Token("alice", "0123456789abcdef-alice")));

  @Test
  void authenticate_knownToken_namesItsPrincipal() {
    assertThat(tokens.caller("Bearer 0123456789abcdef-alice").map(BearerTokens.Caller::principal))
        .contains("alice");
    assertThat(tokens.caller("bearer 0123456789abcdef-ci").map(BearerTokens.Caller::principal))
        .contains("ci");
  }

  @Test
  void authenticate_unknownMissingOrMalformed_isEmpty() {
    assertThat(tokens.caller("Bearer 0123456789abcdef-bob").map(BearerTokens.Caller::principal))
        .isEmpty();
    assertThat(tokens.caller(null).map(BearerTokens.Caller::principal)).isEmpty();
    assertThat(tokens.caller("Basic 0123456789abcdef-ci").map(BearerTokens.Caller::principal))
        .isEmpty();
    assertThat(tokens.caller("0123456789abcdef-ci").map(BearerTokens.Caller::principal)).isEmpty();
  }

  @Test
  void token_shortSecret_refused_andNeverPrinted() {
    assertThatThrownBy(() -> new BearerTokens.Token("x", "short")).hasMessageNotContaining("short");
    assertThat(new BearerTokens.Token("x", "0123456789abcdef").toString()).doesNotContain("0123");
  }

  @Test
  void token_blankWhitespaceShortOrPlaceholder_refusedNamingWhy() {
    assertThatThrownBy(() -> new BearerTokens.Token("x", "")).hasMessageContaining("blank");
    assertThatThrownBy(() -> new BearerTokens.Token("x", "                    "))
        .hasMessageContaining("blank");
    assertThatThrownBy(() -> new BearerTokens.Token("x", "0123456789 abcdef-x"))
        .hasMessageContaining("white space");
    assertThatThrownBy(() -> new BearerTokens.Token("x", "0123456789abcdef\t"))
        .hasMessageContaining("white space");
    // 15 bytes, though the check counts bytes, not characters: 8 two-byte characters pass.
    assertThatThrownBy(() -> new BearerTokens.Token("x", "0123456789abcde"))
        .hasMessageContaining("16 bytes");
    assertThat(new BearerTokens.Token("x", "äöüéàèìò").secret()).hasSize(8);
    for (String placeholder :
        List.of(
            "change-me-to-a-long-random-admin-token",
            "CHANGEME0123456789abcdef",
            "replace-me-0123456789abcdef",
            "<your-admin-token-here-0123>",
            "${REGISTRY_ADMIN_TOKEN_0123}",
            "aaaaaaaaaaaaaaaaaaaaaaaa",
            "abababababababababababab")) {
      assertThatThrownBy(() -> new BearerTokens.Token("x", placeholder))
          .as(placeholder)
          .hasMessageContaining("placeholder")
          .hasMessageNotContaining(placeholder);
    }
  }

  @Test
  void isEmpty_whenNoTokens() {
    assertThat(new BearerTokens(List.of()).isEmpty()).isTrue();
    assertThat(tokens.isEmpty()).isFalse();
  }
}
