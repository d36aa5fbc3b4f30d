#!/bin/sh
# Screenshots of the kiosk for people to look at: every language, at the
# landscape and portrait sizes of UX.md, on a few pages.
# Usage: tools/screenshots.sh BUILD_DIR OUT_DIR [SIZE...] (SIZE like 1280x1024)
set -eu
build=$1
out=$2
shift 2
sizes=${*:-1280x1024 1080x1920}
pages=${TONGBAN_SHOT_PAGES:-attract home category:gd-social-insurance service:F-GD-07 flow:F-GD-05 flow:F-HK-06}
mkdir -p "$out"

for size in $sizes; do
  display=:$((90 + $$ % 100))
  Xvfb "$display" -screen 0 "${size}x24" -nolisten tcp >/dev/null 2>&1 &
  xvfb=$!
  trap 'kill $xvfb 2>/dev/null' EXIT
  for i in 1 2 3 4 5 6 7 8 9 10; do
    DISPLAY=$display xdpyinfo >/dev/null 2>&1 && break
    sleep 0.3
  done
  for lang in zh_CN zh_HK en; do
    for page in $pages; do
      name=$(echo "$page" | tr ':' '-')
      DISPLAY=$display GSK_RENDERER=cairo GTK_A11Y=none \
        TONGBAN_LOCALEDIR="$build/po" \
        "$build/src/tongban-kiosk" --config=/dev/null --language="$lang" --page="$page" \
        --screenshot="$out/$size-$lang-$name.png" --exit-after-first-frame >/dev/null
    done
  done
  kill $xvfb 2>/dev/null || true
  wait $xvfb 2>/dev/null || true
  trap - EXIT
done
ls "$out"
