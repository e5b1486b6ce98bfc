package io.canopy.common.digest;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** sha256 as lowercase hex: how artifacts are named and checked everywhere in Canopy. */
public final class Sha256 {

  private Sha256() {}

  /** A fresh digest (the JDK always ships SHA-256). */
  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }

  public static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(newDigest().digest(bytes));
  }

  public static String hex(MessageDigest digest) {
    return HexFormat.of().formatHex(digest.digest());
  }

  /** True for 64 lowercase hex characters. */
  public static boolean isValidHex(String s) {
    return s != null && s.matches("[0-9a-f]{64}");
  }
}
