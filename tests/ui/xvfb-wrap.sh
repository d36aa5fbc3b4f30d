#!/bin/sh
# Runs a UI test on the display it is given, or on a private Xvfb when there
# is none (so `meson test` works on a headless machine as well).
if [ -n "${DISPLAY:-}" ]; then
  exec "$@"
fi
exec xvfb-run -a -s "-screen 0 1280x1024x24 -nolisten tcp" "$@"
