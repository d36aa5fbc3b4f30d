#!/bin/sh
# Runs a UI test on the display it is given, or on a private Xvfb when there
# is none (so `meson test` works on a headless machine as well). With
# TONGBAN_UX_SCREEN=WIDTHxHEIGHT it always runs on a private Xvfb of that
# size (the UX checks at each kiosk screen size).
if [ -n "${TONGBAN_UX_SCREEN:-}" ]; then
  exec xvfb-run -a -s "-screen 0 ${TONGBAN_UX_SCREEN}x24 -nolisten tcp" "$@"
fi
if [ -n "${DISPLAY:-}" ]; then
  exec "$@"
fi
exec xvfb-run -a -s "-screen 0 1280x1024x24 -nolisten tcp" "$@"
