package io.canopy.serving.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordCodecTest {

  @Test
  void encode_startsWithTheFormatVersion_andRoundTrips() {
    byte[] record = RecordCodec.encode(Map.of("age", new byte[] {1, 2}, "city", new byte[] {3}));

    assertThat(record[0]).isEqualTo(RecordCodec.VERSION);
    Map<String, byte[]> cells = RecordCodec.decode(record);
    assertThat(cells).containsOnlyKeys("age", "city");
    assertThat(cells.get("age")).containsExactly(1, 2);
    assertThat(cells.get("city")).containsExactly(3);
  }

  @Test
  void decode_recordWrittenBeforeVersions_isReadAsWritten() throws Exception {
    // The layout of earlier releases: count, then (name, length, bytes) pairs; no version byte.
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(1);
      out.writeUTF("age");
      out.writeInt(2);
      out.write(new byte[] {7, 8});
    }

    Map<String, byte[]> cells = RecordCodec.decode(bytes.toByteArray());

    assertThat(cells).containsOnlyKeys("age");
    assertThat(cells.get("age")).containsExactly(7, 8);
  }

  @Test
  void decode_unknownFormat_isRefusedNotGuessed() {
    byte[] record = RecordCodec.encode(Map.of("age", new byte[] {1}));
    record[0] = 9;

    assertThatThrownBy(() -> RecordCodec.decode(record))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("format 9");
  }

  @Test
  void decode_missingRecord_isEmpty() {
    assertThat(RecordCodec.decode(null)).isEmpty();
  }
}
