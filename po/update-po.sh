#!/bin/sh
# Makes a fresh template and merges it into every po file of LINGUAS.
set -eu
root=$1
pot=$(mktemp --suffix=.pot)
trap 'rm -f "$pot"' EXIT
"$root/po/make-pot.sh" "$root" "$pot"
for lang in $(cat "$root/po/LINGUAS"); do
  msgmerge --quiet --update --backup=none --no-fuzzy-matching "$root/po/$lang.po" "$pot"
done
