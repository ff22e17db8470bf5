#!/usr/bin/env bash
# The README's map of lib/ matches the tree: one row per folder under lib/, no row for a folder
# that is gone. And every repository path the docs cite in backquotes (`lib/...`, `tests/...`,
# `scripts/...`, `configs/...`, `bench/...`, `fuzz/...`) exists, so a move cannot leave a doc
# pointing at nothing (links to other projects' sources aside).
#   docs_map_test.sh SOURCE_DIR
source "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
src="$1"
cd "$src"

map_rows="$(sed -n '/^### A map of `lib\/`/,/^## /p' README.md | grep -oE '^\| `[a-z_]+/`' |
  grep -oE '[a-z_]+' || true)"
[ -n "$map_rows" ] || fail "README.md has no '### A map of \`lib/\`' table"
folders="$(find lib -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort)"
for folder in $folders; do
  grep -qx "$folder" <<<"$map_rows" || fail "lib/$folder/ has no row in README.md's map of lib/"
done
for row in $map_rows; do
  [ -d "lib/$row" ] || fail "README.md's map of lib/ names $row/, which is not a folder of lib/"
done

while IFS= read -r cited; do
  path="${cited//\`/}"
  path="${path%%#*}"
  path="${path%:}"
  [ -e "$path" ] || fail "a doc cites \`$path\`, which does not exist"
done < <(sed -E 's/\[[^]]*\]\(https?:[^)]*\)//g' README.md docs/*.md |
  grep -oE '`(lib|tests|scripts|configs|bench|fuzz)/[A-Za-z0-9_./-]*`' | grep -v '[*<]' | sort -u)
finish
