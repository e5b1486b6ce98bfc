package io.canopy.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Hosts on one machine: a network namespace per host, each with its own address on a private /24,
 * joined by veth pairs to a bridge in the root namespace (which holds the subnet's .1 — the
 * "router" where the test's proxies listen). Made with iproute2 as root, removed by {@link #close}
 * (and anything a crashed run left behind with the same prefix is removed first). Faults are
 * nftables rules inside a host's namespace ({@link #drop}, {@link #heal}).
 */
final class Hosts implements AutoCloseable {

  private static final String PREFIX = "cnpy";

  private final String id;
  private final int subnet;
  private final String bridge;
  private final Map<String, Integer> hosts = new LinkedHashMap<>();

  private Hosts() {
    this.id = String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
    this.subnet = 16 + ThreadLocalRandom.current().nextInt(200);
    this.bridge = PREFIX + "b" + id;
  }

  /** Whether this machine lets the test make namespaces and nftables rules (root, ip, nft). */
  static String missing() {
    try {
      if (run(List.of("id", "-u")).out.trim().equals("0")
          && run(List.of("ip", "-V")).exit == 0
          && run(List.of("nft", "--version")).exit == 0) {
        return null;
      }
    } catch (IOException e) {
      return "iproute2 or nftables is not installed: " + e.getMessage();
    }
    return "network namespaces need root, iproute2 and nftables (apt-get install iproute2 nftables)";
  }

  /** The bridge and its router address; hosts are added with {@link #add}. */
  static Hosts create() throws IOException {
    Hosts h = new Hosts();
    h.removeLeftovers();
    h.must("ip", "link", "add", h.bridge, "type", "bridge");
    h.must("ip", "addr", "add", h.router() + "/24", "dev", h.bridge);
    h.must("ip", "link", "set", h.bridge, "up");
    return h;
  }

  /** The root namespace's address on the bridge: where the test's proxies listen. */
  String router() {
    return "10.213." + subnet + ".1";
  }

  /** Adds host {@code name} with its own namespace and address; returns the address. */
  String add(String name) throws IOException {
    int n = hosts.size();
    String ns = namespace(name);
    String bridgeEnd = PREFIX + "v" + id + n;
    String hostEnd = PREFIX + "e" + id + n;
    String address = "10.213." + subnet + "." + (10 + n);
    hosts.put(name, 10 + n);
    must("ip", "netns", "add", ns);
    must("ip", "link", "add", bridgeEnd, "type", "veth", "peer", "name", hostEnd);
    must("ip", "link", "set", hostEnd, "netns", ns);
    must("ip", "link", "set", bridgeEnd, "master", bridge, "up");
    inside(name, "ip", "link", "set", "lo", "up");
    inside(name, "ip", "link", "set", hostEnd, "name", "eth0");
    inside(name, "ip", "addr", "add", address + "/24", "dev", "eth0");
    inside(name, "ip", "link", "set", "eth0", "up");
    inside(name, "ip", "route", "add", "default", "via", router());
    // One nftables table per host for the test's faults, empty until a fault is injected.
    inside(name, "nft", "add", "table", "inet", "canopy");
    inside(
        name,
        "nft",
        "add",
        "chain",
        "inet",
        "canopy",
        "in",
        "{ type filter hook input priority 0 ; }");
    inside(
        name,
        "nft",
        "add",
        "chain",
        "inet",
        "canopy",
        "out",
        "{ type filter hook output priority 0 ; }");
    return address;
  }

  String address(String name) {
    return "10.213." + subnet + "." + hosts.get(name);
  }

  /** The command prefix that runs a program on host {@code name}. */
  List<String> on(String name) {
    return List.of("ip", "netns", "exec", namespace(name));
  }

  /**
   * Drops, on host {@code name}, every packet to and from {@code peer} (an address, or the router's
   * {@code address:port} for one proxied service): a silent partition — nothing is refused, packets
   * vanish, as when a link or a host goes away.
   */
  void drop(String name, String peer) throws IOException {
    String[] parts = peer.split(":");
    List<String> to = new ArrayList<>(List.of("ip", "daddr", parts[0]));
    List<String> from = new ArrayList<>(List.of("ip", "saddr", parts[0]));
    if (parts.length == 2) {
      to.addAll(List.of("tcp", "dport", parts[1]));
      from.addAll(List.of("tcp", "sport", parts[1]));
    }
    dropMatching(name, "out", to);
    dropMatching(name, "in", from);
  }

  /** Drops everything host {@code name} sends or receives on its link (loopback keeps working). */
  void isolate(String name) throws IOException {
    dropMatching(name, "out", List.of("oifname", "eth0"));
    dropMatching(name, "in", List.of("iifname", "eth0"));
  }

  /** Removes every fault rule on host {@code name}. */
  void heal(String name) throws IOException {
    inside(name, "nft", "flush", "chain", "inet", "canopy", "out");
    inside(name, "nft", "flush", "chain", "inet", "canopy", "in");
  }

  /**
   * On host {@code name}, a rule in the fault table's {@code chain} dropping what {@code match}
   * selects.
   */
  private void dropMatching(String name, String chain, List<String> match) throws IOException {
    List<String> rule = new ArrayList<>(List.of("nft", "add", "rule", "inet", "canopy", chain));
    rule.addAll(match);
    rule.add("drop");
    inside(name, rule.toArray(String[]::new));
  }

  /** Runs {@code command} on host {@code name}; fails when it does. */
  private void inside(String name, String... command) throws IOException {
    List<String> all = new ArrayList<>(on(name));
    all.addAll(List.of(command));
    must(all.toArray(String[]::new));
  }

  private String namespace(String name) {
    return PREFIX + "-" + id + "-" + name;
  }

  /** Deletes the namespaces (their veth ends go with them) and the bridge. */
  @Override
  public void close() throws IOException {
    for (String name : hosts.keySet()) {
      run(List.of("ip", "netns", "del", namespace(name)));
    }
    run(List.of("ip", "link", "del", bridge));
  }

  /**
   * Namespaces of this prefix that an older run left behind (a killed JVM runs no close), with no
   * process left in them, and their bridges.
   */
  private void removeLeftovers() throws IOException {
    for (String line : run(List.of("ip", "netns", "list")).out.split("\n")) {
      String ns = line.split(" ")[0];
      if (ns.startsWith(PREFIX + "-") && run(List.of("ip", "netns", "pids", ns)).out.isBlank()) {
        run(List.of("ip", "netns", "del", ns));
        run(List.of("ip", "link", "del", PREFIX + "b" + ns.split("-")[1]));
      }
    }
  }

  private void must(String... command) throws IOException {
    Result r = run(List.of(command));
    if (r.exit != 0) {
      throw new IOException(String.join(" ", command) + " failed (" + r.exit + "): " + r.out);
    }
  }

  private record Result(int exit, String out) {}

  private static Result run(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not finish in 20 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    return new Result(
        p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }
}
