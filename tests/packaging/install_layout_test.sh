#!/usr/bin/env bash
# `cmake --install` lays out a system install: `--prefix /usr` into a DESTDIR gives exactly the
# binary, the unit, the config in /etc and the docs; a reinstall keeps an edited config; another
# prefix gets a unit pointing at its own files.
#   install_layout_test.sh CMAKE BUILD_DIR SOURCE_DIR
source "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
cmake="$1"
build="$2"
src="$3"
install_into() { # DESTDIR PREFIX
  DESTDIR="$1" "$cmake" --install "$build" --prefix "$2" >"$work/install.log" 2>&1 ||
    { cat "$work/install.log"; fail "cmake --install --prefix $2 failed"; }
}

# --- /usr, as a Debian package or `sudo cmake --install build --prefix /usr` lays it out ---------
root="$work/usr-root"
install_into "$root" /usr
doc=usr/share/doc/index-optimizer
expected="$({
  printf '%s\n' etc/index-optimizer/index-optimizer.yaml usr/bin/index-optimizer \
    usr/lib/systemd/system/index-optimizer.service "$doc/README.md" \
    "$doc/examples/index-optimizer.yaml" "$doc/examples/prometheus-alerts.yaml" \
    "$doc/examples/remote.conf.example"
  (cd "$src" && find docs -name '*.md' | sed "s#^#$doc/#")
} | sort)"
actual="$(cd "$root" && find . -type f -o -type l | sed 's#^\./##' | sort)"
if [ "$expected" != "$actual" ]; then
  diff <(echo "$expected") <(echo "$actual") | sed 's/^/  /'
  fail "installed files differ from the expected layout (< expected, > installed)"
fi
[ -f "$root/$doc/docs/operations.md" ] || fail "docs/operations.md is not installed"

[ -x "$root/usr/bin/index-optimizer" ] || fail "the binary is not executable"
"$root/usr/bin/index-optimizer" --version | grep -q '^index-optimizer ' ||
  fail "the installed binary does not run"
cmp -s "$src/systemd/index-optimizer.service" "$root/usr/lib/systemd/system/index-optimizer.service" ||
  fail "the /usr unit differs from systemd/index-optimizer.service (it must be the shipped file)"
cmp -s "$src/configs/index-optimizer.yaml" "$root/etc/index-optimizer/index-optimizer.yaml" ||
  fail "/etc/index-optimizer/index-optimizer.yaml is not configs/index-optimizer.yaml"
for f in etc/index-optimizer/index-optimizer.yaml usr/lib/systemd/system/index-optimizer.service; do
  mode="$(stat -c %a "$root/$f")"
  [ "$mode" = 644 ] || fail "$f has mode $mode, expected 644 (the service's dynamic user reads it)"
done
env -i "$root/usr/bin/index-optimizer" --check-config \
  --config "$root/etc/index-optimizer/index-optimizer.yaml" >/dev/null 2>"$work/check.log" ||
  { cat "$work/check.log"; fail "the installed daemon rejects the installed config"; }

# --- A reinstall never overwrites an operator's edits --------------------------------------------
config="$root/etc/index-optimizer/index-optimizer.yaml"
printf '# edited by the operator\n' >>"$config"
edited="$(cat "$config")"
install_into "$root" /usr
[ "$(cat "$config")" = "$edited" ] || fail "a reinstall overwrote the edited config"
cmp -s "$src/configs/index-optimizer.yaml" "$config.default" ||
  fail "a reinstall did not put the new default beside the edited config as $config.default"
# An unedited config is simply replaced (no stray .default).
root2="$work/usr-root-2"
install_into "$root2" /usr
install_into "$root2" /usr
[ ! -e "$root2/etc/index-optimizer/index-optimizer.yaml.default" ] ||
  fail "a reinstall over an unedited config left a .default beside it"

# --- Another prefix: the unit names the files this install laid out ------------------------------
opt="$work/opt-root"
install_into "$opt" /opt/io
unit="$opt/opt/io/lib/systemd/system/index-optimizer.service"
[ -f "$opt/opt/io/bin/index-optimizer" ] || fail "/opt/io/bin/index-optimizer not installed"
[ -f "$opt/opt/io/etc/index-optimizer/index-optimizer.yaml" ] ||
  fail "the config is not under /opt/io/etc for prefix /opt/io"
grep -qx 'ExecStart=/opt/io/bin/index-optimizer --config /opt/io/etc/index-optimizer/index-optimizer.yaml' \
  "$unit" || fail "the /opt/io unit's ExecStart does not name /opt/io's binary and config"
if grep -q '/usr/bin/index-optimizer\|/usr/share/doc' "$unit"; then
  fail "the /opt/io unit still names /usr paths"
fi
[ ! -e "$opt/etc" ] || fail "prefix /opt/io installed into /etc"

finish
