#!/usr/bin/env bash
# Build the Linux one-folder app into dist/lumen-gallery and a tarball beside it that carries
# the desktop entry, the icons and install.sh. Used by `make package`.
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
$py -m pip install --quiet "pyinstaller>=6.10"
rm -rf build/pyinstaller dist/lumen-gallery
$py -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
  packaging/lumen-gallery.spec
stage=dist/lumen-gallery-linux-x86_64
rm -rf "$stage" && mkdir -p "$stage"
cp -a dist/lumen-gallery "$stage/"
cp packaging/linux/lumen-gallery.desktop packaging/linux/install.sh "$stage/"
cp resources/icons/lumen-gallery.png resources/icons/lumen-gallery.svg "$stage/"
tar -C dist -czf "$stage.tar.gz" "$(basename "$stage")"
rm -rf "$stage"
du -sh dist/lumen-gallery "$stage.tar.gz"
