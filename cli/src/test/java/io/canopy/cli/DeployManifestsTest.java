package io.canopy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.canopy.common.testing.ProcessSuite;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests under deploy/k8s cannot be applied here, so they are checked offline:
 * every document deserializes into the Kubernetes API types with no unknown field anywhere,
 * Services select pods that exist, probes name declared ports, and every Canopy setting passed as
 * an environment variable maps (by Helidon's own alias rules) onto a key the service knows.
 */
@ProcessSuite
class DeployManifestsTest {

  private static final Path K8S = Path.of("..", "deploy", "k8s").toAbsolutePath().normalize();
  private static final Map<String, Class<? extends HasMetadata>> KINDS =
      Map.of(
          "Namespace", Namespace.class,
          "ConfigMap", ConfigMap.class,
          "Secret", Secret.class,
          "Deployment", Deployment.class,
          "Service", Service.class,
          "NetworkPolicy", io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class,
          "PodDisruptionBudget", PodDisruptionBudget.class,
          "HorizontalPodAutoscaler", HorizontalPodAutoscaler.class);
  private static final ObjectMapper STRICT =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
  private static final List<HasMetadata> resources = new ArrayList<>();

  @BeforeAll
  static void load() throws Exception {
    YAMLMapper yaml = new YAMLMapper(new YAMLFactory());
    try (Stream<Path> files = Files.list(K8S)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        for (JsonNode doc :
            yaml.readValues(yaml.createParser(file.toFile()), JsonNode.class).readAll()) {
          String kind = doc.path("kind").asText();
          assertThat(KINDS).as("%s: kind %s", file.getFileName(), kind).containsKey(kind);
          HasMetadata resource = STRICT.treeToValue(doc, KINDS.get(kind));
          List<String> unknown = new ArrayList<>();
          unknownFields(
              resource,
              kind + "/" + resource.getMetadata().getName(),
              unknown,
              new IdentityHashMap<>());
          assertThat(unknown)
              .as("%s: fields Kubernetes does not know", file.getFileName())
              .isEmpty();
          resources.add(resource);
        }
      }
    }
  }

  /** fabric8 keeps unknown fields in additionalProperties; any there is a typo in a manifest. */
  private static void unknownFields(
      Object node, String path, List<String> out, Map<Object, Boolean> seen) throws Exception {
    if (node == null
        || seen.put(node, true) != null
        || !node.getClass().getName().startsWith("io.fabric8")) {
      return;
    }
    for (Method m : node.getClass().getMethods()) {
      if (m.getParameterCount() != 0
          || !m.getName().startsWith("get")
          || m.getDeclaringClass() == Object.class) {
        continue;
      }
      Object value = m.invoke(node);
      if (m.getName().equals("getAdditionalProperties") && value instanceof Map<?, ?> extra) {
        extra.keySet().forEach(k -> out.add(path + "." + k));
      } else if (value instanceof Collection<?> list) {
        for (Object item : list) {
          unknownFields(item, path + "." + m.getName().substring(3), out, seen);
        }
      } else if (value instanceof Map<?, ?> map) {
        for (Object item : map.values()) {
          unknownFields(item, path + "." + m.getName().substring(3), out, seen);
        }
      } else {
        unknownFields(value, path + "." + m.getName().substring(3), out, seen);
      }
    }
  }

  private static <T> List<T> all(Class<T> type) {
    return resources.stream().filter(type::isInstance).map(type::cast).toList();
  }

  @Test
  void everyServiceKindIsDeployed_servingWithSeveralReplicasAndAHeadlessService() {
    assertThat(all(Deployment.class))
        .extracting(d -> d.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "canopy-registry", "canopy-serving", "canopy-gateway", "canopy-monitor");
    Deployment serving = deployment("canopy-serving");
    assertThat(serving.getSpec().getReplicas()).isGreaterThan(1);
    assertThat(all(Service.class))
        .anySatisfy(
            s -> {
              assertThat(s.getSpec().getClusterIP()).isEqualTo("None");
              assertThat(serving.getSpec().getTemplate().getMetadata().getLabels())
                  .containsAllEntriesOf(s.getSpec().getSelector());
            });
  }

  @Test
  void servicesSelectPodsThatExist_andTargetDeclaredPorts() {
    for (Service service : all(Service.class)) {
      Deployment target =
          all(Deployment.class).stream()
              .filter(
                  d ->
                      d.getSpec()
                          .getTemplate()
                          .getMetadata()
                          .getLabels()
                          .entrySet()
                          .containsAll(service.getSpec().getSelector().entrySet()))
              .findFirst()
              .orElseThrow(
                  () -> new AssertionError(service.getMetadata().getName() + " selects no pods"));
      Set<String> ports = new HashSet<>();
      target
          .getSpec()
          .getTemplate()
          .getSpec()
          .getContainers()
          .forEach(c -> c.getPorts().forEach(p -> ports.add(p.getName())));
      service
          .getSpec()
          .getPorts()
          .forEach(
              p ->
                  assertThat(ports)
                      .as(service.getMetadata().getName())
                      .contains(p.getTargetPort().getStrVal()));
    }
  }

  /** The health paths every service's Helidon admin (or the gateway's HTTP port) answers. */
  private static final Set<String> HEALTH_PATHS =
      Set.of("/observe/health", "/observe/health/live", "/observe/health/ready");

  @Test
  void everyContainerHasProbesAndResourceRequests() {
    for (Deployment d : all(Deployment.class)) {
      for (Container c : d.getSpec().getTemplate().getSpec().getContainers()) {
        assertThat(c.getReadinessProbe()).as(d.getMetadata().getName()).isNotNull();
        assertThat(c.getLivenessProbe()).as(d.getMetadata().getName()).isNotNull();
        assertThat(c.getStartupProbe()).as(d.getMetadata().getName()).isNotNull();
        Set<String> ports = new HashSet<>();
        c.getPorts().forEach(p -> ports.add(p.getName()));
        for (var probe :
            List.of(c.getReadinessProbe(), c.getLivenessProbe(), c.getStartupProbe())) {
          if (probe.getHttpGet() != null) {
            assertThat(HEALTH_PATHS)
                .as(d.getMetadata().getName())
                .contains(probe.getHttpGet().getPath());
            assertThat(ports)
                .as(d.getMetadata().getName() + " probe port")
                .contains(probe.getHttpGet().getPort().getStrVal());
          } else {
            assertThat(probe.getGrpc()).as(d.getMetadata().getName()).isNotNull();
            assertThat(c.getPorts())
                .as(d.getMetadata().getName() + " gRPC probe port")
                .anyMatch(p -> p.getContainerPort().equals(probe.getGrpc().getPort()));
          }
        }
        assertThat(c.getResources().getLimits())
            .as(d.getMetadata().getName())
            .containsKey("memory");
        assertThat(c.getResources().getRequests())
            .as(d.getMetadata().getName())
            .containsKeys("cpu", "memory");
      }
    }
  }

  /**
   * Serving's and the registry's ports are internal (issue 13, item 7): a NetworkPolicy selects the
   * pods of each and admits serving's gRPC port from gateway pods only; every port a policy names
   * is a port the selected pods declare.
   */
  @Test
  void internalPorts_areRestrictedByNetworkPolicies() {
    var policies = all(io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class);
    Map<String, io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy> byApp =
        new java.util.HashMap<>();
    for (var p : policies) {
      byApp.put(p.getSpec().getPodSelector().getMatchLabels().get("app.kubernetes.io/name"), p);
    }
    assertThat(byApp).containsKeys("canopy-serving", "canopy-registry", "canopy-monitor");
    var serving = byApp.get("canopy-serving").getSpec();
    assertThat(serving.getPolicyTypes()).contains("Ingress");
    var grpc =
        serving.getIngress().stream()
            .filter(rule -> rule.getPorts().stream().anyMatch(p -> p.getPort().getIntVal() == 9200))
            .toList();
    assertThat(grpc).hasSize(1);
    assertThat(grpc.getFirst().getFrom())
        .allSatisfy(
            peer ->
                assertThat(peer.getPodSelector().getMatchLabels())
                    .containsEntry("app.kubernetes.io/name", "canopy-gateway"));
    for (var policy : policies) {
      String app = policy.getSpec().getPodSelector().getMatchLabels().get("app.kubernetes.io/name");
      Set<Integer> declared = new HashSet<>();
      for (Deployment d : all(Deployment.class)) {
        if (app.equals(
            d.getSpec().getTemplate().getMetadata().getLabels().get("app.kubernetes.io/name"))) {
          d.getSpec()
              .getTemplate()
              .getSpec()
              .getContainers()
              .forEach(c -> c.getPorts().forEach(p -> declared.add(p.getContainerPort())));
        }
      }
      policy
          .getSpec()
          .getIngress()
          .forEach(
              rule ->
                  rule.getPorts()
                      .forEach(
                          p ->
                              assertThat(declared)
                                  .as("%s port", policy.getMetadata().getName())
                                  .contains(p.getPort().getIntVal())));
    }
  }

  @Test
  void everyCanopySettingInTheManifests_isAKeyTheServiceReads() {
    Set<String> known = new HashSet<>();
    for (String defaults :
        List.of("registry.yaml", "serving.yaml", "gateway.yaml", "monitor.yaml")) {
      Config config =
          Config.builder()
              .disableEnvironmentVariablesSource()
              .disableSystemPropertiesSource()
              .addSource(ConfigSources.classpath(defaults))
              .build();
      config.traverse().filter(Config::isLeaf).forEach(node -> known.add(node.key().toString()));
    }
    List<String> names = new ArrayList<>();
    for (ConfigMap map : all(ConfigMap.class)) {
      names.addAll(map.getData().keySet());
    }
    for (Secret secret : all(Secret.class)) {
      names.addAll(secret.getStringData().keySet());
    }
    for (Deployment d : all(Deployment.class)) {
      for (Container c : d.getSpec().getTemplate().getSpec().getContainers()) {
        c.getEnv().stream().map(EnvVar::getName).forEach(names::add);
        for (EnvFromSource from : c.getEnvFrom()) {
          String ref =
              from.getConfigMapRef() != null
                  ? from.getConfigMapRef().getName()
                  : from.getSecretRef().getName();
          assertThat(resources)
              .as("envFrom %s", ref)
              .anyMatch(r -> r.getMetadata().getName().equals(ref));
        }
      }
    }
    assertThat(
            names.stream().filter(n -> n.matches("(REGISTRY|SERVING|GATEWAY|MONITOR)_.*")).toList())
        .isNotEmpty()
        .allSatisfy(n -> assertThat(known).as("setting %s", n).contains(configKey(n)));
  }

  /**
   * The config key an environment variable sets, by Helidon's documented alias rules: "_dash_" is a
   * dash, "_" a dot, and the lower-case form matches.
   */
  static String configKey(String environmentVariable) {
    return environmentVariable
        .replace("_dash_", "-")
        .replace("_DASH_", "-")
        .replace('_', '.')
        .toLowerCase(java.util.Locale.ROOT);
  }

  private static Deployment deployment(String name) {
    return all(Deployment.class).stream()
        .filter(d -> d.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  /**
   * Voluntary disruptions keep all but one pod of serving, the gateway and the monitor; serving and
   * the gateway autoscale on CPU and a per-pod in-flight metric; each budget and autoscaler names a
   * Deployment that exists, by its pods' labels.
   */
  @Test
  void disruptionBudgetsAndAutoscalers_targetTheDeploymentsThatExist() {
    Map<String, PodDisruptionBudget> budgets = new java.util.HashMap<>();
    for (PodDisruptionBudget b : all(PodDisruptionBudget.class)) {
      Map<String, String> selector = b.getSpec().getSelector().getMatchLabels();
      Deployment target = deployment(selector.get("app.kubernetes.io/name"));
      assertThat(target.getSpec().getTemplate().getMetadata().getLabels())
          .containsAllEntriesOf(selector);
      assertThat(b.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
      assertThat(target.getSpec().getReplicas()).isGreaterThan(1);
      budgets.put(target.getMetadata().getName(), b);
    }
    assertThat(budgets).containsOnlyKeys("canopy-serving", "canopy-gateway", "canopy-monitor");
    Map<String, HorizontalPodAutoscaler> scalers = new java.util.HashMap<>();
    for (HorizontalPodAutoscaler h : all(HorizontalPodAutoscaler.class)) {
      Deployment target = deployment(h.getSpec().getScaleTargetRef().getName());
      assertThat(h.getSpec().getMinReplicas()).isLessThanOrEqualTo(h.getSpec().getMaxReplicas());
      assertThat(h.getSpec().getMinReplicas())
          .isGreaterThanOrEqualTo(target.getSpec().getReplicas());
      assertThat(h.getSpec().getMetrics())
          .extracting(m -> m.getType())
          .containsExactlyInAnyOrder("Resource", "Pods");
      scalers.put(target.getMetadata().getName(), h);
    }
    assertThat(scalers).containsOnlyKeys("canopy-serving", "canopy-gateway");
  }
}
