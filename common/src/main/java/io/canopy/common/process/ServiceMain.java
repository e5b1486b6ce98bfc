package io.canopy.common.process;

import io.canopy.common.config.ConfigLoader;
import io.canopy.common.log.Logging;
import io.helidon.config.Config;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The one shape of every service's {@code main}: configure logging, read the configuration once
 * into its validated record, start the real wiring, print where it listens and how it is secured,
 * then run until the JVM is asked to stop.
 */
public final class ServiceMain {

  private ServiceMain() {}

  /**
   * @param name the service, for the shutdown thread
   * @param defaults the bundled defaults on the classpath, e.g. "serving.yaml"
   * @param config reads the configuration, e.g. {@code ServingConfig::create}
   * @param start the real wiring, e.g. {@code ServingServer::start}
   * @param banner the lines printed once it runs
   */
  public static <C, S extends AutoCloseable> void run(
      String name,
      String defaults,
      Function<Config, C> config,
      Function<C, S> start,
      BiFunction<C, S, List<String>> banner)
      throws InterruptedException {
    Logging.configure();
    C settings = config.apply(ConfigLoader.load(defaults));
    S server = start.apply(settings);
    banner.apply(settings, server).forEach(System.out::println);
    RunUntilStopped.await(name, server);
  }
}
