package io.canopy.serving.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordCodecTest {

  /** What a reader asking for {@code features} hands on, per entity: "feature=cell bytes". */
  private static List<String> read(List<String> features, byte[]... records) {
    RecordReader reader = new RecordReader(new FeatureNames(features));
    List<String> seen = new ArrayList<>();
    for (int e = 0; e < records.length; e++) {
      reader.forEachCell(
          records[e],
          e,
          (entity, feature, bytes, offset, length) ->
              seen.add(
                  entity
                      + ":"
                      + features.get(feature)
                      + "="
                      + Arrays.toString(Arrays.copyOfRange(bytes, offset, offset + length))));
    }
    return seen;
  }

  /** The layout of version 1 (with {@code version} 1) or of earlier releases (null): pairs. */
  private static byte[] pairs(Byte version, Map<String, byte[]> cells) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      if (version != null) {
        out.writeByte(version);
      }
      out.writeInt(cells.size());
      for (Map.Entry<String, byte[]> cell : cells.entrySet()) {
        out.writeUTF(cell.getKey());
        out.writeInt(cell.getValue().length);
        out.write(cell.getValue());
      }
    }
    return bytes.toByteArray();
  }

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
  void encode_sameFeatures_sameNamesBlock_whateverTheMapOrder() {
    Map<String, byte[]> one = new LinkedHashMap<>();
    one.put("b", new byte[] {1});
    one.put("a", new byte[] {2, 2});
    Map<String, byte[]> other = new LinkedHashMap<>();
    other.put("a", new byte[] {5});
    other.put("b", new byte[] {6, 6, 6});

    byte[] first = RecordCodec.encode(one);
    byte[] second = RecordCodec.encode(other);

    int namesEnd = RecordCodec.HEADER_BYTES + RecordCodec.readInt(first, 5);
    assertThat(Arrays.copyOfRange(first, 0, namesEnd))
        .isEqualTo(Arrays.copyOfRange(second, 0, namesEnd));
  }

  @Test
  void reader_handsOnOnlyTheAskedFeatures_acrossRecordsOfDifferentNames() {
    byte[] ab = RecordCodec.encode(Map.of("a", new byte[] {1}, "b", new byte[] {2}));
    byte[] ab2 = RecordCodec.encode(Map.of("a", new byte[] {3}, "b", new byte[] {4}));
    byte[] bc = RecordCodec.encode(Map.of("b", new byte[] {5}, "c", new byte[] {6}));
    byte[] ac = RecordCodec.encode(Map.of("a", new byte[] {7}, "c", new byte[] {8}));

    // The names block changes between records: a match kept from the last one must not be reused.
    assertThat(read(List.of("c", "a"), ab, ab2, bc, ac, ab))
        .containsExactly("0:a=[1]", "1:a=[3]", "2:c=[6]", "3:a=[7]", "3:c=[8]", "4:a=[1]");
  }

  @Test
  void reader_readsRecordsOfEveryLayout_inOneRead() throws IOException {
    byte[] unversioned = pairs(null, Map.of("age", new byte[] {7, 8}));
    byte[] version1 = pairs((byte) 1, Map.of("age", new byte[] {9}, "city", new byte[] {1}));
    byte[] version2 = RecordCodec.encode(Map.of("age", new byte[] {4}));

    assertThat(read(List.of("age"), unversioned, version1, version2))
        .containsExactly("0:age=[7, 8]", "1:age=[9]", "2:age=[4]");
    assertThat(RecordCodec.decode(unversioned).get("age")).containsExactly(7, 8);
    assertThat(RecordCodec.decode(version1)).containsOnlyKeys("age", "city");
  }

  @Test
  void reader_corruptRecords_areRefusedNotReadPastTheirEnd() {
    byte[] record = RecordCodec.encode(Map.of("age", new byte[] {1, 2, 3}, "city", new byte[] {4}));
    byte[] cut = Arrays.copyOf(record, record.length - 2);
    byte[] namesTooLong = record.clone();
    namesTooLong[8] = 120; // the names block's length runs past the record
    byte[] countTooBig = record.clone();
    countTooBig[4] = 3; // three names in a block holding two

    for (byte[] corrupt : List.of(cut, namesTooLong, countTooBig)) {
      assertThatThrownBy(() -> read(List.of("age", "city"), corrupt))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("corrupt feature record");
      assertThatThrownBy(() -> RecordCodec.decode(corrupt))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("corrupt feature record");
    }
  }

  @Test
  void decode_unknownFormat_isRefusedNotGuessed() {
    byte[] record = RecordCodec.encode(Map.of("age", new byte[] {1}));
    record[0] = 9;

    assertThatThrownBy(() -> RecordCodec.decode(record))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("format 9");
    assertThatThrownBy(() -> read(List.of("age"), record))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("format 9");
  }

  @Test
  void decode_missingRecord_isEmpty() {
    assertThat(RecordCodec.decode(null)).isEmpty();
  }
}
