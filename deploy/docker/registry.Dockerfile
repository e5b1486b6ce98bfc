# canopy/registry image, built from the repository root after `./canopy build`:
#   docker build -f deploy/docker/registry.Dockerfile -t canopy/registry:0.1.0 .
# No Docker engine runs on our build machines, so no test builds this image.
FROM eclipse-temurin:21-jre
RUN useradd --system --uid 10001 canopy && mkdir -p /data && chown canopy /data
COPY registry-service/target/lib/ /app/lib/
COPY registry-service/target/classes/ /app/classes/
USER 10001
# Relative stores and caches (.canopy/...) live under /data.
WORKDIR /data
EXPOSE 9100 9101
# G1 returns idle memory (as the launcher does; docs/PERFORMANCE.md); JAVA_OPTS adds heap caps.
ENTRYPOINT ["sh", "-c", "exec java --enable-native-access=ALL-UNNAMED -XX:G1PeriodicGCInterval=10000 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=25 $JAVA_OPTS -cp '/app/classes:/app/lib/*' io.canopy.registry.Main"]
