#!/usr/bin/env bash
# Run the built Linux bundle the way a user would, from outside the source tree and with a
# clean environment: --version, doctor, and the window on a real X display (Xvfb) for a few
# seconds, quit with Ctrl+Q. Needs dist/lumen-gallery-linux-x86_64.tar.gz (`make package`),
# Xvfb and xdotool.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
tarball="$repo/dist/lumen-gallery-linux-x86_64.tar.gz"
work="$(mktemp -d /tmp/lumen-smoke.XXXXXX)"
trap 'kill "${xvfb:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
tar -C "$work" -xzf "$tarball"
cd "$work"
app="$work/lumen-gallery-linux-x86_64/lumen-gallery/lumen-gallery"
clean=(env -i "HOME=$work/home" "PATH=/usr/bin:/bin" "LANG=C.UTF-8")
mkdir -p "$work/home"

echo "== --version"; "${clean[@]}" "$app" --version
echo "== doctor"; "${clean[@]}" "$app" doctor | sed -n '1,40p'
"${clean[@]}" "$app" doctor --json > "$work/doctor.json"
grep -q '"log": "'"$work/home" "$work/doctor.json"
grep -q '"PySide6-Essentials"' "$work/doctor.json"  # versions survive freezing

echo "== install.sh"
"${clean[@]}" bash "$work/lumen-gallery-linux-x86_64/install.sh"
test -x "$work/home/.local/share/lumen-gallery/lumen-gallery"
grep -q "^Exec=$work/home/.local/share/lumen-gallery/lumen-gallery" \
  "$work/home/.local/share/applications/lumen-gallery.desktop"

echo "== window on Xvfb"
display=":$((100 + RANDOM % 400))"
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 & xvfb=$!
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X${display#:}" ] && break; sleep 0.1; done
"${clean[@]}" "DISPLAY=$display" "$app" > "$work/app.log" 2>&1 & pid=$!
window=""
for _ in $(seq 100); do
  window=$(DISPLAY=$display xdotool search --onlyvisible --name "Lumen Gallery" 2>/dev/null | head -1 || true)
  [ -n "$window" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/app.log"; echo "the app exited early"; exit 1; }
  sleep 0.1
done
[ -n "$window" ] || { cat "$work/app.log"; echo "no window appeared"; exit 1; }
sleep 3
DISPLAY=$display xdotool key --window "$window" Escape >/dev/null 2>&1 || true  # first-run dialog
sleep 0.5
for w in $(DISPLAY=$display xdotool search --onlyvisible --name "Lumen Gallery" 2>/dev/null); do
  DISPLAY=$display xdotool windowfocus --sync "$w" key ctrl+q >/dev/null 2>&1 || true
done
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then kill "$pid"; echo "the app did not quit on Ctrl+Q"; exit 1; fi
wait "$pid"; code=$?
cat "$work/app.log"
grep -q "Main window shown" "$work/home/.local/state/LumenGallery/log/lumen-gallery.log"
if grep -q "Traceback" "$work/app.log" "$work/home/.local/state/LumenGallery/log/"*.log; then
  echo "errors in the output or the log"; exit 1
fi
echo "exit code $code"
[ "$code" = 0 ]
echo "== bundle size"; du -sh "$work/lumen-gallery-linux-x86_64/lumen-gallery" "$tarball"
echo "smoke test passed"
