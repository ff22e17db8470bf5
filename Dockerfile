# syntax=docker/dockerfile:1
# index-optimizer container image. The build stage runs scripts/build-release, the build step of
# ./scripts/run (same Debian packages from scripts/common.sh, same CMake commands); the runtime
# stage holds the binary, its shared libraries and nothing else, and runs as a non-root user.
#
#   docker build -t index-optimizer .
#   docker run --rm -p 127.0.0.1:8080:8080 \
#     -e INDEX_OPTIMIZER_REDIS_URL=redis://redis.example:6379/0 \
#     -e INDEX_OPTIMIZER_AUTH_KEYS="admin:<sha256 of the key>:admin" index-optimizer
#
# Configure with INDEX_OPTIMIZER_<SECTION>_<KEY> variables or by mounting a file over
# /etc/index-optimizer/index-optimizer.yaml; secrets as files (INDEX_OPTIMIZER_*_FILE pointing at
# /run/secrets/...). docker-compose.yml runs it with Redis and Qdrant; docs/operations.md has more.
# tests/packaging/dockerfile_test.sh checks this file against the scripts and the built binary.

ARG DEBIAN_RELEASE=bookworm

FROM debian:${DEBIAN_RELEASE} AS build
WORKDIR /src
# The packages first, from the scripts alone, so source changes do not reinstall them.
COPY scripts/ scripts/
RUN ./scripts/build-release --packages-only
COPY . .
# Test targets are not built: the image needs the daemon only (./scripts/test runs the tests).
RUN --mount=type=cache,target=/root/.cache/ccache \
    ./scripts/build-release -- -DINDEX_OPTIMIZER_BUILD_TESTS=OFF

FROM debian:${DEBIAN_RELEASE}-slim AS runtime
# One Debian package per shared library the binary links (ldd + dpkg -S); the test fails when this
# list and the built binary disagree. ca-certificates: the trust store for an https:// Qdrant.
ARG RUNTIME_LIBRARIES="libboost-json1.81.0 libc6 libgcc-s1 libhiredis0.14 libjemalloc2 libprometheus-cpp-core1.0 libssl3 libstdc++6 libsystemd0 libyaml-cpp0.7"
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ${RUNTIME_LIBRARIES} ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 index-optimizer \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin index-optimizer
COPY --from=build /src/build/release/daemon/index-optimizer /usr/bin/index-optimizer
COPY configs/index-optimizer.yaml /etc/index-optimizer/index-optimizer.yaml
COPY scripts/container-healthcheck /usr/bin/index-optimizer-healthcheck

# Inside a container the admin API must listen beyond loopback for the published port to reach it.
ENV INDEX_OPTIMIZER_HTTP_ADDRESS=0.0.0.0
# Numeric, so orchestrators enforcing runAsNonRoot can check it.
USER 10001:10001
EXPOSE 8080
# SIGTERM drains in-flight requests and the current commit within shutdown.drain_timeout
# (default 10s): give `docker stop` a longer timeout (-t 30, compose stop_grace_period: 30s).
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/usr/bin/index-optimizer-healthcheck"]
ENTRYPOINT ["/usr/bin/index-optimizer"]
CMD ["--config", "/etc/index-optimizer/index-optimizer.yaml"]
