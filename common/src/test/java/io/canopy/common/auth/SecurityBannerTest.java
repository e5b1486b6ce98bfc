package io.canopy.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.tls.ServerTls;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecurityBannerTest {

  @Test
  void line_saysWhetherAuthAndTlsAreOn_andNeverTheSecret() {
    String off =
        SecurityBanner.line(
            "registry", new BearerTokens(List.of()), "mutations", ServerTls.PLAINTEXT);
    assertThat(off).contains("auth OFF", "mutations", "open", "TLS OFF");

    String on =
        SecurityBanner.line(
            "gateway",
            new BearerTokens(List.of(new BearerTokens.Token("client", "0123456789abcdef-q"))),
            "predictions",
            ServerTls.PLAINTEXT);
    assertThat(on)
        .contains("auth ON (1 token for predictions)")
        .doesNotContain("0123456789abcdef-q");
  }
}
