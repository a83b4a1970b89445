#!/usr/bin/env bash
# Install the unpacked Lumen Gallery bundle for the current user: the program folder in
# ~/.local/share/lumen-gallery, a `lumen-gallery` command in ~/.local/bin, and a desktop entry
# with its icon so it appears in the application menu. Run it from the unpacked tarball.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
data="${XDG_DATA_HOME:-$HOME/.local/share}"
target="$data/lumen-gallery"
mkdir -p "$data/applications" "$data/icons/hicolor/256x256/apps" "$data/icons/hicolor/scalable/apps" "$HOME/.local/bin"
rm -rf "$target.new"
cp -a "$here/lumen-gallery" "$target.new"
rm -rf "$target"
mv "$target.new" "$target"
ln -sf "$target/lumen-gallery" "$HOME/.local/bin/lumen-gallery"
install -m 644 "$here/lumen-gallery.png" "$data/icons/hicolor/256x256/apps/lumen-gallery.png"
install -m 644 "$here/lumen-gallery.svg" "$data/icons/hicolor/scalable/apps/lumen-gallery.svg"
sed "s|^Exec=.*|Exec=$target/lumen-gallery %F|" "$here/lumen-gallery.desktop" \
  > "$data/applications/lumen-gallery.desktop"
command -v update-desktop-database >/dev/null && update-desktop-database "$data/applications" || true
echo "Installed Lumen Gallery into $target; start it from the application menu or run lumen-gallery."
