# baorestore's container image: `docker build -t <registry>/baorestore:<version> .`
# Two stages, both Debian 12 (bookworm), the distribution the build is made for
# (scripts/packages.txt): the first compiles build/baorestore, the second holds only the
# binary and the shared libraries it links, and runs it as a non-root user.

# ---- build -------------------------------------------------------------------------------
FROM debian:bookworm-slim AS build
# The packages of scripts/packages.txt that building the `baorestore` target needs. Left out:
# clang and libclang-rt-14-dev (fuzzing only), prometheus (promtool), openssl and curl (test clients).
# tests/deploy/dockerfile_test.sh checks both stages against the build (no Docker engine runs
# where the tests do). librapidcheck-dev stays: the top-level CMakeLists.txt requires it at
# configure time, although the binary does not link it.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      g++ cmake ninja-build \
      libcaf-dev \
      libboost1.81-dev libboost-json1.81-dev \
      libssl-dev \
      libsimdjson-dev \
      libfmt-dev \
      libyaml-cpp-dev \
      libcli11-dev \
      libhowardhinnant-date-dev \
      librapidcheck-dev \
      zlib1g-dev \
      prometheus-cpp-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# RelWithDebInfo, as scripts/setup builds it (-O2, NDEBUG; the configuration known to pass
# -Werror). The debug information is stripped from the copy that goes into the image (the
# unstripped binary, ~80 MB, stays in this stage: `docker build --target build`).
ARG BUILD_TYPE=RelWithDebInfo
RUN cmake -S . -B /out -G Ninja -DCMAKE_BUILD_TYPE=${BUILD_TYPE} \
 && cmake --build /out --target baorestore --parallel \
 && strip --strip-debug -o /out/baorestore.stripped /out/baorestore \
 && /out/baorestore.stripped --version

# ---- runtime -----------------------------------------------------------------------------
FROM debian:bookworm-slim
# Only the shared libraries the binary needs (its NEEDED entries, mapped to packages with
# dpkg -S): libcaf_core.so.0.17.6 -> libcaf-core0.17, libboost_json.so.1.81.0 ->
# libboost-json1.81.0, libsimdjson.so.14 -> libsimdjson14, libyaml-cpp.so.0.7 ->
# libyaml-cpp0.7, libssl.so.3 and libcrypto.so.3 -> libssl3, libz.so.1 -> zlib1g,
# libprometheus-cpp-core.so.1.0 -> libprometheus-cpp-core1.0, libfmt.so.9 -> libfmt9,
# libboost_container.so.1.81.0 -> libboost-container1.81.0 (Boost.JSON's allocator: linked
# by a Debug build, BUILD_TYPE=Debug; the optimized builds inline what they use of it);
# libstdc++6, libgcc-s1 and libc6 come with the base image (and as dependencies of the
# above). ca-certificates: the system CA bundle for the snapshot HEAD to HTTPS object stores
# (OpenSSL's default verify paths); the API server's CA comes from the service account's
# ca.crt.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates \
      libcaf-core0.17 \
      libboost-json1.81.0 \
      libsimdjson14 \
      libyaml-cpp0.7 \
      libssl3 \
      zlib1g \
      libprometheus-cpp-core1.0 \
      libfmt9 \
      libboost-container1.81.0 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/baorestore.stripped /usr/local/bin/baorestore
# Fail the build when a library is missing, rather than the pod at start.
RUN if ldd /usr/local/bin/baorestore | grep 'not found'; then exit 1; fi \
 && /usr/local/bin/baorestore --version
# A numeric non-root user (no passwd entry needed): Kubernetes' runAsNonRoot can check a
# numeric UID, not a name. 65532 is the conventional "nonroot" UID of distroless images.
USER 65532:65532
WORKDIR /tmp
ENTRYPOINT ["/usr/local/bin/baorestore"]
CMD ["--help"]
