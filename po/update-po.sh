#!/bin/sh
# Refreshes po/tongban.pot and merges it into every po file of LINGUAS.
set -eu
root=$1
"$root/po/make-pot.sh" "$root" "$root/po/tongban.pot"
for lang in $(cat "$root/po/LINGUAS"); do
  msgmerge --quiet --update --backup=none --no-fuzzy-matching "$root/po/$lang.po" "$root/po/tongban.pot"
done
