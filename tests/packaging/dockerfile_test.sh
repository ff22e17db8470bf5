#!/usr/bin/env bash
# No Docker engine runs in CI, so the Dockerfile is checked against what it depends on:
#   - the runtime stage's RUNTIME_LIBRARIES are exactly the Debian packages owning the shared
#     libraries the built binary links (NEEDED entries, resolved by ldd, mapped by dpkg -S);
#   - the build stage runs scripts that exist, the same build step as ./scripts/run, with CMake
#     options the project has, and copies the binary from where that step puts it;
#   - every file it copies exists, and ENTRYPOINT/CMD/HEALTHCHECK name the files it installs.
#   dockerfile_test.sh BUILT_DAEMON SOURCE_DIR
# Exit 77 (ctest: skipped) unless this host runs the Debian release the image is built on (the
# package names are that release's), and for sanitizer builds.
# shellcheck disable=SC2016 # single-quoted $... are the Dockerfile's and scripts' literal text
source "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
daemon="$1"
src="$2"
dockerfile="$src/Dockerfile"

release="$(sed -n 's/^ARG DEBIAN_RELEASE=//p' "$dockerfile")"
# shellcheck source=/dev/null
codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
if [ "$codename" != "$release" ]; then
  echo "SKIP: the image is built on Debian $release, this host is '${codename:-unknown}'"
  exit 77
fi
grep -qx 'FROM debian:${DEBIAN_RELEASE} AS build' "$dockerfile" || fail "build stage is not debian:\${DEBIAN_RELEASE}"
grep -qx 'FROM debian:${DEBIAN_RELEASE}-slim AS runtime' "$dockerfile" ||
  fail "runtime stage is not debian:\${DEBIAN_RELEASE}-slim"

# --- Runtime libraries ---------------------------------------------------------------------------
if sanitizer_build "$daemon"; then
  echo "SKIP: a sanitizer build links its runtime; the image holds a Release build"
  exit 77
fi
ldd_out="$(ldd "$daemon")"
if grep -q 'not found' <<<"$ldd_out"; then
  fail "the built binary has unresolved libraries: $(grep 'not found' <<<"$ldd_out")"
fi
# NEEDED soname -> path (ldd) -> package (dpkg -S, in one call: it is slow). ldd says /lib/...,
# which dpkg may know as /usr/lib/... (merged /usr), so both spellings are asked.
declare -A path_of owner_of
candidates=()
while read -r soname; do
  path="$(awk -v so="$soname" '$1 == so && $2 == "=>" {print $3}' <<<"$ldd_out")"
  path_of["$soname"]="$path"
  [ -n "$path" ] && candidates+=("$path" "/usr$path")
done < <(objdump -p "$daemon" | awk '$1 == "NEEDED" {print $2}')
while IFS= read -r line; do
  case "$line" in *": /"*) owner_of["${line#*: }"]="${line%%:*}" ;; esac
done < <(dpkg -S "${candidates[@]}" 2>/dev/null || true)
needed="$(
  for soname in "${!path_of[@]}"; do
    path="${path_of[$soname]}"
    if [ -z "$path" ]; then echo "UNRESOLVED:$soname"
    elif [ -n "${owner_of[$path]:-}" ]; then echo "${owner_of[$path]}"
    elif [ -n "${owner_of[/usr$path]:-}" ]; then echo "${owner_of[/usr$path]}"
    else echo "UNOWNED:$path"
    fi
  done | sort -u
)"
listed="$(sed -n 's/^ARG RUNTIME_LIBRARIES="\(.*\)"$/\1/p' "$dockerfile" | tr ' ' '\n' | sed '/^$/d' | sort -u)"
[ -n "$listed" ] || fail "no ARG RUNTIME_LIBRARIES=\"...\" line in the Dockerfile"
echo "needed by the binary: $(echo "$needed" | tr '\n' ' ')"
echo "listed in Dockerfile: $(echo "$listed" | tr '\n' ' ')"
missing="$(comm -23 <(echo "$needed") <(echo "$listed"))"
extra="$(comm -13 <(echo "$needed") <(echo "$listed"))"
[ -z "$missing" ] || fail "RUNTIME_LIBRARIES lacks: $(echo "$missing" | tr '\n' ' ')"
[ -z "$extra" ] || fail "RUNTIME_LIBRARIES lists packages the binary does not link: $(echo "$extra" | tr '\n' ' ')"
grep -q 'apt-get install .*\${RUNTIME_LIBRARIES}\|^ *\${RUNTIME_LIBRARIES}' "$dockerfile" ||
  fail "the runtime stage does not install \${RUNTIME_LIBRARIES}"

# --- Build stage: the scripts' build step --------------------------------------------------------
runs="$(grep -o '\./scripts/[A-Za-z0-9_.-]*' "$dockerfile" | sort -u)"
[ -n "$runs" ] || fail "the build stage runs no script from scripts/"
for script in $runs; do
  [ -x "$src/$script" ] || fail "$script (run by the Dockerfile) is missing or not executable"
done
grep -q '^RUN \./scripts/build-release --packages-only$' "$dockerfile" ||
  fail "the build stage does not install packages with ./scripts/build-release --packages-only"
grep -q '^ *\./scripts/build-release -- ' "$dockerfile" ||
  fail "the build stage does not build with ./scripts/build-release"
grep -q '"$ROOT/scripts/build-release"' "$src/scripts/run" ||
  fail "scripts/run no longer builds with scripts/build-release: the image would build differently"
grep -q 'ensure_packages "${BUILD_PACKAGES\[@\]}"' "$src/scripts/build-release" ||
  fail "scripts/build-release does not install common.sh's BUILD_PACKAGES"
grep -q -- '--packages-only) ' "$src/scripts/build-release" ||
  fail "scripts/build-release has no --packages-only mode"
while read -r option; do
  grep -q "option($option \|set($option " "$src/CMakeLists.txt" ||
    fail "the Dockerfile sets -D$option, which CMakeLists.txt does not define"
done < <(grep -o -- '-D[A-Z_]*=' "$dockerfile" | sed 's/^-D//; s/=$//' | sort -u)
build_dir="$(sed -n 's#^configure_and_build "\$ROOT/\([^"]*\)".*#\1#p' "$src/scripts/build-release")"
[ -n "$build_dir" ] || fail "cannot find scripts/build-release's build directory"
# ./scripts/run builds the daemon alone, and ./scripts/test's plain build is the same directory and
# build type, so neither compiles the library again after the other (README, "Quick start").
grep -q '^BUILD_TARGET="${BUILD_TARGET:-index-optimizer}"$' "$src/scripts/build-release" ||
  fail "scripts/build-release does not build the daemon alone by default"
grep -q "^  BUILD_DIR=\"\$ROOT/$build_dir\"\$" "$src/scripts/test" ||
  fail "scripts/test's plain build is not scripts/build-release's $build_dir"
grep -q '^  configure_and_build "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release ' "$src/scripts/test" ||
  fail "scripts/test's plain build is not a Release build like scripts/build-release's"
# The build directory's daemon/ holds the binary (daemon/CMakeLists.txt), as in this build tree.
[ "$(basename "$(dirname "$daemon")")/$(basename "$daemon")" = daemon/index-optimizer ] ||
  fail "the built binary is not at <build>/daemon/index-optimizer"
grep -q "^COPY --from=build /src/$build_dir/daemon/index-optimizer /usr/bin/index-optimizer\$" \
  "$dockerfile" || fail "the runtime stage does not copy /src/$build_dir/daemon/index-optimizer"
grep -q '^WORKDIR /src$' "$dockerfile" || fail "the build stage's WORKDIR is not /src"

# --- Files copied and named ----------------------------------------------------------------------
while read -r from _; do
  [ -e "$src/$from" ] || fail "COPY source $from does not exist"
done < <(sed -n 's/^COPY \([^-][^ ]*\) \(.*\)$/\1 \2/p' "$dockerfile")
grep -q '^COPY scripts/container-healthcheck /usr/bin/index-optimizer-healthcheck$' "$dockerfile" ||
  fail "the health probe is not installed as /usr/bin/index-optimizer-healthcheck"
grep -q 'CMD \["/usr/bin/index-optimizer-healthcheck"\]' "$dockerfile" ||
  fail "HEALTHCHECK does not run /usr/bin/index-optimizer-healthcheck"
grep -q '^COPY configs/index-optimizer.yaml /etc/index-optimizer/index-optimizer.yaml$' "$dockerfile" ||
  fail "the default config is not installed as /etc/index-optimizer/index-optimizer.yaml"
grep -q '^ENTRYPOINT \["/usr/bin/index-optimizer"\]$' "$dockerfile" || fail "ENTRYPOINT is not the daemon"
grep -q '^CMD \["--config", "/etc/index-optimizer/index-optimizer.yaml"\]$' "$dockerfile" ||
  fail "CMD does not read /etc/index-optimizer/index-optimizer.yaml"
user="$(sed -n 's/^USER //p' "$dockerfile" | tail -n1)"
case "${user%%:*}" in
  "" | 0 | root) fail "the image runs as root (USER '${user}')" ;;
esac
port="$(sed -n 's/^  port: \([0-9]*\)$/\1/p' "$src/configs/index-optimizer.yaml")"
grep -qx "EXPOSE $port" "$dockerfile" || fail "EXPOSE is not the default http.port $port"
grep -qx 'STOPSIGNAL SIGTERM' "$dockerfile" || fail "STOPSIGNAL is not SIGTERM"
grep -qx 'ENV INDEX_OPTIMIZER_HTTP_ADDRESS=0.0.0.0' "$dockerfile" ||
  fail "the image does not listen on 0.0.0.0"
for ignored in .git 'build\*/' .local/; do
  grep -qx "$ignored" "$src/.dockerignore" || fail ".dockerignore does not exclude $ignored"
done

finish
