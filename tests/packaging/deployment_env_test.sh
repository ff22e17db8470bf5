#!/usr/bin/env bash
# Every INDEX_OPTIMIZER_* variable the deployment examples set (the Dockerfile, docker-compose.yml
# and the systemd drop-in, commented examples included) must be a configuration key the daemon
# accepts: `index-optimizer --check-config` with those variables, on the shipped config, passes
# without a warning. (The loader rejects an INDEX_OPTIMIZER_<SECTION>_<TYPO> and warns about a
# variable of no section, so a misspelt key or section fails here.)
#   deployment_env_test.sh BUILT_DAEMON SOURCE_DIR
source "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
daemon="$1"
src="$2"

# Secret files the examples point at (/run/secrets/..., the systemd credentials directory %d)
# are stand-ins here: the loader reads them.
mkdir -p "$work/secrets"
for f in qdrant_api_key redis_password qdrant-api-key redis-password; do
  printf 'example-secret\n' >"$work/secrets/$f"
done

# check NAME FILE_OF_ASSIGNMENTS: runs --check-config with those KEY=VALUE lines as environment.
check() {
  local name="$1" list="$2"
  if [ ! -s "$list" ]; then
    fail "$name: no INDEX_OPTIMIZER_* variables found (did the format change?)"
    return
  fi
  local -a assignments=()
  mapfile -t assignments <"$list"
  echo "$name: ${assignments[*]}"
  local out status=0
  # env -i: only these variables, so the result does not depend on the caller's environment.
  out="$(env -i PATH="$PATH" "${assignments[@]}" "$daemon" --check-config \
    --config "$src/configs/index-optimizer.yaml" 2>&1 >/dev/null)" || status=$?
  if [ "$status" -ne 0 ]; then
    printf '%s\n' "$out"
    fail "$name: --check-config rejected the variables (exit $status)"
  elif grep -q 'warning: environment variable' <<<"$out"; then
    printf '%s\n' "$out"
    fail "$name: --check-config ignores some of the variables (a misspelt section?)"
  fi
}

# Dockerfile: ENV KEY=VALUE lines.
sed -n 's/^ENV \(INDEX_OPTIMIZER_[A-Z0-9_]*=[^ ]*\)$/\1/p' "$src/Dockerfile" >"$work/dockerfile.env"
check Dockerfile "$work/dockerfile.env"

# docker-compose.yml: `KEY: "value"` entries of an environment map, commented or not.
sed -n 's/^ *#\{0,1\} *\(INDEX_OPTIMIZER_[A-Z0-9_]*\): *"\{0,1\}\([^"]*\)"\{0,1\} *$/\1=\2/p' \
  "$src/docker-compose.yml" | sed "s#/run/secrets/#$work/secrets/#" >"$work/compose.env"
check docker-compose.yml "$work/compose.env"

# systemd drop-in: Environment=KEY=VALUE, commented or not; %d is the credentials directory and
# %H the host name.
sed -n 's/^#\{0,1\}Environment=\(INDEX_OPTIMIZER_[A-Z0-9_]*=.*\)$/\1/p' \
  "$src/systemd/index-optimizer.service.d/remote.conf.example" |
  sed -e "s#%d/#$work/secrets/#" -e "s#%H#$(uname -n)#" >"$work/dropin.env"
check remote.conf.example "$work/dropin.env"

# The negative controls: a misspelt key must fail and a misspelt section must warn, or the checks
# above prove nothing.
if env -i PATH="$PATH" INDEX_OPTIMIZER_HTTP_PROT=8080 "$daemon" --check-config \
  --config "$src/configs/index-optimizer.yaml" >/dev/null 2>&1; then
  fail "--check-config accepted the misspelt INDEX_OPTIMIZER_HTTP_PROT"
fi
warnings="$(env -i PATH="$PATH" INDEX_OPTIMIZER_HTTPP_PORT=8080 "$daemon" --check-config \
  --config "$src/configs/index-optimizer.yaml" 2>&1 >/dev/null)" || true
grep -q 'warning: environment variable INDEX_OPTIMIZER_HTTPP_PORT is ignored' <<<"$warnings" ||
  fail "--check-config did not warn about the misspelt section in INDEX_OPTIMIZER_HTTPP_PORT"

finish
