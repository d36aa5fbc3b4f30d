#!/bin/sh
# Every data file we ship is well formed: catalogue JSON, Flatpak manifest,
# icons, UI templates, the systemd unit's essentials.
# Usage: check-data.sh SOURCE_ROOT
set -eu
root=$1
status=0

for f in "$root"/data/catalog/*.json "$root"/flatpak/*.json; do
  python3 -m json.tool "$f" >/dev/null || { echo "FAIL: $f is not valid JSON"; status=1; }
done
for f in "$root"/icons/scalable/*/*.svg "$root"/ui/*.ui "$root"/ui/*.gresource.xml \
         "$root"/data/*.metainfo.xml.in; do
  xmllint --noout --nonet "$f" || { echo "FAIL: $f is not well-formed XML"; status=1; }
done
# One symbolic icon per category named in the catalogue.
for icon in $(python3 -c 'import json,sys
for c in json.load(open(sys.argv[1]))["categories"]: print(c["icon"])' "$root/data/catalog/categories.json"); do
  [ -f "$root/icons/scalable/actions/$icon.svg" ] || { echo "FAIL: icon $icon is missing"; status=1; }
  grep -q "icons/scalable/actions/$icon.svg" "$root/ui/tongban.gresource.xml" ||
    { echo "FAIL: icon $icon is not in the resources"; status=1; }
done
unit="$root/data/systemd/tongban-kiosk.service"
for key in 'Restart=always' 'ExecStart=.*cage' 'User=tongban' 'WantedBy=graphical.target'; do
  grep -q "^$key" "$unit" || { echo "FAIL: $unit lacks $key"; status=1; }
done
if grep -q -- 'cage .*-s' "$unit"; then echo "FAIL: cage must not allow VT switching"; status=1; fi
[ $status -eq 0 ] && echo "ok: data files"
exit $status
