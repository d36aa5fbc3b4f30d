#!/bin/sh
# Writes the translation template: xgettext over the C, .ui, desktop and
# metainfo files of POTFILES.in, plus the catalogue texts of the JSON files.
# Usage: po/make-pot.sh SOURCE_ROOT OUTPUT.pot
set -eu
root=$1
out=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

grep -v '^#' "$root/po/POTFILES.in" | grep -v '^$' > "$tmp/all"
grep -v '\.json$' "$tmp/all" > "$tmp/code" || true
grep '\.json$' "$tmp/all" | sed "s|^|$root/|" > "$tmp/json" || true

(cd "$root" && xgettext --package-name=tongban --from-code=UTF-8 --add-comments=Translators \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dngettext:2,3 --keyword=tongban_tr_label_plural:2,3 --keyword=g_dpgettext2:2c,3 \
  --flag=N_:1:pass-c-format --flag=tongban_tr_label_plural:2:c-format --flag=tongban_tr_label_plural:3:c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
  --files-from="$tmp/code" --output="$tmp/code.pot")

# shellcheck disable=SC2046
python3 "$root/po/catalog-strings.py" "$tmp/catalog.pot" $(cat "$tmp/json")
msgcat --use-first --sort-by-file "$tmp/code.pot" "$tmp/catalog.pot" -o "$out"
