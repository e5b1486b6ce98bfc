package io.canopy.common.grpc;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps grpc-netty's HTTP/2 frame loggers at INFO. At FINE they print every HEADERS frame, bearer
 * tokens included, so turning on debug logging for {@code io.grpc} would write credentials to the
 * log. Applied by every server and channel {@link GrpcTransports} builds; frame traces are a
 * debugging aid one can still get from a packet capture.
 */
public final class FrameLogging {

  // Held here: JUL keeps loggers weakly, and a collected logger would forget its level.
  private static final List<Logger> FRAME_LOGGERS =
      List.of(
          Logger.getLogger("io.grpc.netty.NettyServerHandler"),
          Logger.getLogger("io.grpc.netty.NettyClientHandler"));

  private FrameLogging() {}

  /** Caps the frame loggers at INFO (idempotent). */
  public static void withoutHeaders() {
    for (Logger logger : FRAME_LOGGERS) {
      Level level = logger.getLevel();
      if (level == null || level.intValue() < Level.INFO.intValue()) {
        logger.setLevel(Level.INFO);
      }
    }
  }
}
