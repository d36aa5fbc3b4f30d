#!/bin/sh
# The kiosk program as an administrator and a maintainer meet it: bad and
# missing configuration, bad options, PIN hashing, escape keys sent through
# the X server, and the maintenance cover raised from a second command.
# Usage: test-cli.sh TONGBAN_KIOSK SOURCE_ROOT
set -u
kiosk=$1
root=$2
tmp=$(mktemp -d)
failures=0
passes=0

ok() { passes=$((passes + 1)); echo "ok - $1"; }
fail() { failures=$((failures + 1)); echo "not ok - $1"; }
check() { if eval "$2"; then ok "$1"; else fail "$1"; fi; }

display=:$((200 + $$ % 300))
Xvfb "$display" -screen 0 1280x1024x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
bus_pid=
kiosk_pid=
cleanup() {
  [ -n "$kiosk_pid" ] && kill "$kiosk_pid" 2>/dev/null
  [ -n "$bus_pid" ] && kill "$bus_pid" 2>/dev/null
  kill "$xvfb" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
export DISPLAY=$display
for i in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done

run() { "$kiosk" "$@" >"$tmp/out" 2>"$tmp/err"; echo $? >"$tmp/rc"; }
rc() { cat "$tmp/rc"; }
errlines() { wc -l <"$tmp/err"; }

# 1. A configuration file named on purpose must exist.
run --config=/nonexistent/kiosk.conf --page=home --exit-after-first-frame
check "missing --config refuses to start, exit 1" '[ "$(rc)" = 1 ]'
check "missing --config gives one line naming the file" \
  '[ "$(errlines)" = 1 ] && grep -q "/nonexistent/kiosk.conf: no such file" "$tmp/err"'

# 2. A bad value: one line naming file and key, and the kiosk starts on the default.
printf '[voice]\nenabled=false\n[kiosk]\nterminal-id=GZ-0001\n[session]\nidle-timeout=abc\n[maintenance]\npin-hash=pbkdf2-sm3$10000$c2FsdHNhbHQ=$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n' >"$tmp/bad.conf"
run --config="$tmp/bad.conf" --page=home --exit-after-first-frame
check "bad value: the kiosk still starts" '[ "$(rc)" = 0 ]'
check "bad value: one line naming file, group and key" \
  '[ "$(errlines)" = 1 ] && grep -q "$tmp/bad.conf: \[session\] idle-timeout: .abc." "$tmp/err"'

# 3. A file that is not a key file at all: one line, defaults, no crash.
printf '[kiosk\nwhat is this\n' >"$tmp/broken.conf"
run --config="$tmp/broken.conf" --page=home --exit-after-first-frame
check "broken file: refused as named on purpose, exit 1" '[ "$(rc)" = 1 ]'
check "broken file: one line naming the file" \
  '[ "$(errlines)" = 1 ] && grep -q "$tmp/broken.conf: not a valid key file" "$tmp/err"'
TONGBAN_CONFIG= run --check-config="$tmp/broken.conf"
check "--check-config reports the broken file, exit 1" '[ "$(rc)" = 1 ]'
printf '\377\376\000garbage' >"$tmp/binary.conf"
run --config="$tmp/binary.conf" --page=home --exit-after-first-frame
check "binary garbage: no crash, clear line" \
  '[ "$(rc)" = 1 ] && grep -q "binary.conf: not a valid key file" "$tmp/err"'

# 4. Bad options.
run --config=/dev/null --page=service:NOPE --exit-after-first-frame
check "unknown service in --page: exit 2 with a line" \
  '[ "$(rc)" = 2 ] && grep -q "no service .NOPE." "$tmp/err"'
run --config=/dev/null --language=fr --exit-after-first-frame
check "unknown --language: exit 2" '[ "$(rc)" = 2 ] && grep -q "zh_CN, zh_HK, en" "$tmp/err"'

# 5. PIN hashes for kiosk.conf.
echo 12 | "$kiosk" --hash-pin >"$tmp/out" 2>"$tmp/err"
check "--hash-pin refuses a short PIN" '[ $? = 2 ]'
echo 246810 | "$kiosk" --hash-pin >"$tmp/pin.conf" 2>"$tmp/err"
check "--hash-pin writes a [maintenance] section" 'grep -q "^pin-hash=pbkdf2-sm3\\$" "$tmp/pin.conf"'
run --check-config="$tmp/pin.conf"
check "the hashed PIN passes --check-config" '[ "$(rc)" = 0 ]'

# 6. Escape keys through the X server, and the cover from a second command.
eval "$(dbus-daemon --session --fork --print-address=1 --print-pid=1 |
        { read -r addr; read -r pid; echo "export DBUS_SESSION_BUS_ADDRESS='$addr'; bus_pid=$pid"; })"
"$kiosk" --config=/dev/null --language=en --page=home >"$tmp/kiosk.out" 2>&1 &
kiosk_pid=$!
win=
for i in $(seq 100); do
  win=$(xdotool search --name '^Bay Area Tongban$' 2>/dev/null | head -n 1)
  [ -n "$win" ] && break
  sleep 0.1
done
check "the kiosk window appears" '[ -n "$win" ]'
if [ -n "$win" ]; then
  for keys in alt+F4 Escape ctrl+q ctrl+w ctrl+shift+q super alt+Tab ctrl+alt+BackSpace F11; do
    xdotool key --window "$win" "$keys" 2>/dev/null
  done
  xdotool mousemove --window "$win" 400 400 click 3 2>/dev/null
  sleep 1
  check "escape keys and right-click leave the kiosk running" 'kill -0 "$kiosk_pid"'

  "$kiosk" --maintenance --screenshot="$tmp/cover.png" >"$tmp/out" 2>"$tmp/err"
  check "--maintenance reaches the running kiosk" '[ $? = 0 ]'
  for i in $(seq 50); do [ -s "$tmp/cover.png" ] && break; sleep 0.1; done
  pixel=$(convert "$tmp/cover.png" -format '%[pixel:p{5,5}]' info: 2>/dev/null)
  check "the maintenance cover fills the screen ($pixel)" \
    'case "$pixel" in "srgb(31,42,55)"|"srgba(31,42,55,1)") true;; *) false;; esac'
  check "the running kiosk is still the one we started" 'kill -0 "$kiosk_pid"'
fi

echo "$passes passed, $failures failed"
[ "$failures" = 0 ]
