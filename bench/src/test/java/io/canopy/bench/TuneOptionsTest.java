package io.canopy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** Bad {@code --tune} options are usage errors naming the option, before anything starts. */
class TuneOptionsTest {

  private final StringWriter err = new StringWriter();

  private int bench(String args) {
    CommandLine cli = new CommandLine(new BenchCommand()).setExpandAtFiles(false);
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of("--no-progress"));
    all.addAll(List.of(args.split(" ")));
    return cli.execute(all.toArray(String[]::new));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--p99 5ms --model m                                        | --p99",
        "--tune-budget 1m --model m                                 | --tune-budget",
        "--gateway-set gateway.max-rows=5 --model m                 | --gateway-set",
        "--tune --model m                                           | --p99",
        "--tune --p99 0ms --model m                                 | --p99",
        "--tune --p99 2m --model m                                  | --p99",
        "--tune --p99 fast --model m                                | --p99",
        "--tune --p99 5ms --model m --concurrency 4                 | --concurrency",
        "--tune --p99 5ms --model m --rate 100                      | --rate",
        "--tune --p99 5ms --model m --duration 5s                   | --duration",
        "--tune --p99 5ms --model m --compare-floor                 | --compare-floor",
        "--tune --p99 5ms --target features                         | --target",
        "--tune --p99 5ms --target floor                            | --target",
        "--tune --p99 5ms --model m --tune-budget 3s                | --tune-budget",
        "--tune --p99 5ms --model m --tune-step 0s                  | --tune-step",
        "--tune --p99 5ms --model m --tune-in-flight 0,4            | --tune-in-flight",
        "--tune --p99 5ms --model m --tune-in-flight x              | --tune-in-flight",
        "--tune --p99 5ms --model m --tune-batch-rows 0             | --tune-batch-rows",
        "--tune --p99 5ms --model m --tune-delays 1ms,2s            | --tune-delays",
        "--tune --p99 5ms --model m --tune-max-clients 0            | --tune-max-clients",
        "--tune-nthread 2 --model m                                 | --tune-nthread",
        "--tune --p99 5ms --model m --tune-nthread 0,2              | --tune-nthread",
        "--tune --p99 5ms --model m --tune-nthread 300              | --tune-nthread",
        "--tune --p99 5ms --model m --gateway-set serving.x=1       | --gateway-set",
        "--tune --p99 5ms --model m --gateway-set gateway.grpc.port=1 | --gateway-set",
        "--tune --p99 5ms --model m --gateway-set gateway.batching.max-in-flight=2 | --gateway-set",
        "--tune --p99 5ms --model m --tls-ca ca.pem                 | --tls-ca"
      })
  void call_badTuneOption_usageErrorNamingTheOption(String args, String named) {
    assertThat(bench(args.strip())).isEqualTo(2);
    assertThat(err.toString()).contains(named);
  }
}
