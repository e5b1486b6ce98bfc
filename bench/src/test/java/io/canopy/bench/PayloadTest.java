package io.canopy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.TypeConversionException;

class PayloadTest {

  @TempDir Path dir;

  @Test
  void csv_missingCells_becomeNaNAndRowsCycle() throws Exception {
    Path csv = Files.writeString(dir.resolve("rows.csv"), "a,b\n1,2\n,nan\n5,6\n");

    Payload payload = Payload.csv(csv);

    assertThat(payload.numFeatures()).isEqualTo(2);
    assertThat(payload.distinctRequests(2)).isEqualTo(2);
    assertThat(payload.batch(0, 2)).containsExactly(1f, 2f, Float.NaN, Float.NaN);
    assertThat(payload.batch(1, 2)).containsExactly(5f, 6f, 1f, 2f);
  }

  @Test
  void csv_raggedRow_isRejectedNamingTheLine() throws Exception {
    Path csv = Files.writeString(dir.resolve("rows.csv"), "a,b\n1,2\n3\n");

    assertThatThrownBy(() -> Payload.csv(csv)).hasMessageContaining("line 3");
  }

  @Test
  void generated_sameSeed_sameRows() {
    assertThat(Payload.generated(4, 9).batch(3, 2))
        .containsExactly(Payload.generated(4, 9).batch(3, 2));
    assertThat(Payload.generated(4, 9).distinctRequests(1))
        .isEqualTo(Payload.MAX_DISTINCT_REQUESTS);
  }

  @Test
  void durationConverter_shortForms() {
    DurationConverter converter = new DurationConverter();

    assertThat(converter.convert("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(converter.convert("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(converter.convert("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(converter.convert("PT3S")).isEqualTo(Duration.ofSeconds(3));
    assertThatThrownBy(() -> converter.convert("soon")).isInstanceOf(TypeConversionException.class);
  }
}
