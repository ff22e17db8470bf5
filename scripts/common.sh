# Shared by scripts/run and scripts/test: install what is missing, configure, build.
# Sourced, not executed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL_DIR="$ROOT/.local"   # ignored by git: private Redis data, logs

# Debian 12 packages the build, the daemon and the tests need.
BUILD_PACKAGES=(cmake ninja-build g++ pkg-config ccache
  libboost1.81-dev libboost-json1.81-dev libhiredis-dev prometheus-cpp-dev libyaml-cpp-dev
  libsystemd-dev libssl-dev libjemalloc-dev libgtest-dev libgmock-dev libbenchmark-dev redis-server redis-tools)
# promtool, systemd-analyze and strace for the packaging tests (tests/packaging/); clang-format
# for the formatting check (scripts/check-format).
TEST_PACKAGES=(prometheus systemd strace clang-format-14)
# scripts/fuzz: clang with libFuzzer's runtime, and llvm-symbolizer for readable crash stacks.
FUZZ_PACKAGES=(clang-14 libclang-rt-14-dev llvm-14)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

sudo_if_needed() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs only the packages that are missing, so a re-run costs a dpkg query and nothing else.
ensure_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    log "installing missing packages: ${missing[*]}"
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    # policy-rc.d-free: the Debian redis-server package would start a system Redis where
    # systemd runs; we start our own private one instead and leave that one alone.
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

# configure_and_build BUILD_DIR [cmake args...]: incremental after the first run. BUILD_TARGET
# limits the build to one target (default: all).
configure_and_build() {
  local dir="$1"; shift
  export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
  export CCACHE_BASEDIR="$ROOT"
  export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-5G}"
  if [ ! -f "$dir/build.ninja" ]; then
    log "configuring $dir"
    cmake -S "$ROOT" -B "$dir" -G Ninja "$@" >/dev/null
  else
    cmake -S "$ROOT" -B "$dir" "$@" >/dev/null
  fi
  log "building $dir"
  # Two jobs: the machines have two cores and Boost-heavy units need ~1 GiB each.
  cmake --build "$dir" --parallel "${BUILD_JOBS:-2}" ${BUILD_TARGET:+--target "$BUILD_TARGET"}
}
