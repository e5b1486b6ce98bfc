package io.canopy.registry.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.VersionState;
import org.junit.jupiter.api.Test;

class ProbeOutputTest {

  @Test
  void decode_markerAmongOtherOutput_returnsTheResult() {
    ModelVersion result =
        ModelVersion.newBuilder()
            .setState(VersionState.VERSION_STATE_READY)
            .setObjective("reg:squarederror")
            .build();

    String stdout = "[12:00:00] WARNING: something\n" + ProbeOutput.encode(result) + "\n";

    assertThat(ProbeOutput.decode(stdout)).contains(result);
  }

  @Test
  void decode_garbageOrNoMarker_empty() {
    assertThat(ProbeOutput.decode("")).isEmpty();
    assertThat(ProbeOutput.decode("# A fatal error has been detected")).isEmpty();
    assertThat(ProbeOutput.decode(ProbeOutput.MARKER + "!!not base64!!")).isEmpty();
    assertThat(ProbeOutput.decode(ProbeOutput.MARKER + "AAAA/w==")).isEmpty();
  }
}
