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
    assertThat(tokens.authenticate("Bearer 0123456789abcdef-alice")).contains("alice");
    assertThat(tokens.authenticate("bearer 0123456789abcdef-ci")).contains("ci");
  }

  @Test
  void authenticate_unknownMissingOrMalformed_isEmpty() {
    assertThat(tokens.authenticate("Bearer 0123456789abcdef-bob")).isEmpty();
    assertThat(tokens.authenticate(null)).isEmpty();
    assertThat(tokens.authenticate("Basic 0123456789abcdef-ci")).isEmpty();
    assertThat(tokens.authenticate("0123456789abcdef-ci")).isEmpty();
  }

  @Test
  void token_shortSecret_refused_andNeverPrinted() {
    assertThatThrownBy(() -> new BearerTokens.Token("x", "short")).hasMessageNotContaining("short");
    assertThat(new BearerTokens.Token("x", "0123456789abcdef").toString()).doesNotContain("0123");
  }

  @Test
  void isEmpty_whenNoTokens() {
    assertThat(new BearerTokens(List.of()).isEmpty()).isTrue();
    assertThat(tokens.isEmpty()).isFalse();
  }
}
