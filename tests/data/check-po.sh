#!/bin/sh
# Every translation compiles, is complete against a freshly made template,
# and zh_HK uses Hong Kong terms (po/GLOSSARY.md), not converted Mainland ones.
# Usage: check-po.sh SOURCE_ROOT TEMPLATE.pot
set -eu
root=$1
pot=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

total=$(msgattrib --no-obsolete "$pot" | grep -c '^msgid ' || true)
total=$((total - 1))   # the header
[ "$total" -gt 0 ] || { echo "FAIL: the template is empty"; exit 1; }

for lang in $(cat "$root/po/LINGUAS"); do
  po="$root/po/$lang.po"
  if ! msgfmt --check -o /dev/null "$po"; then
    echo "FAIL: $po does not compile"; status=1; continue
  fi
  msgmerge --quiet --no-fuzzy-matching "$po" "$pot" -o "$tmp/$lang.po"
  stats=$(msgfmt --statistics -o /dev/null "$tmp/$lang.po" 2>&1)
  case "$stats" in
    *untranslated*|*fuzzy*) echo "FAIL: $lang: $stats"; status=1 ;;
    "$total translated messages.") echo "ok: $lang: $stats" ;;
    *) echo "FAIL: $lang: $stats (the template has $total)"; status=1 ;;
  esac
done

# Mainland forms that Hong Kong text must not use (left), with the HK form.
msgattrib --no-obsolete "$root/po/zh_HK.po" | sed -n 's/^msgstr\(\[[0-9]\]\)\? "\(.*\)"$/\2/p' > "$tmp/hk.txt"
for pair in 信息:資料 視頻:視像 登錄:登入 隱私:私隱 服務器:伺服器 寬帶:寬頻 屏幕:螢幕 \
            用户:用戶 文件夾:資料夾 搜索:搜尋 帐户:帳戶 質量:質素 移動應用:流動應用; do
  bad=${pair%%:*}
  good=${pair##*:}
  if grep -n "$bad" "$tmp/hk.txt"; then
    echo "FAIL: zh_HK uses $bad; Hong Kong usage is $good (po/GLOSSARY.md)"; status=1
  fi
done
# The verb "print" is 列印 in zh_HK; 打印 only in 打印機 (the device).
if sed 's/打印機//g' "$tmp/hk.txt" | grep -n '打印'; then
  echo "FAIL: zh_HK uses 打印 as a verb; Hong Kong usage is 列印 (po/GLOSSARY.md)"; status=1
fi
# Simplified characters have no place in zh_HK.
if grep -n '[们这为务与简个说问时关门]' "$tmp/hk.txt"; then
  echo "FAIL: zh_HK contains Simplified characters"; status=1
fi
exit $status
