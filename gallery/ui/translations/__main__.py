"""`python -m gallery.ui.translations [update|compile]`: see the package's docstring."""

import sys

from gallery.ui.translations import compile_all, update

command = sys.argv[1:] or ["compile"]
if command == ["update"]:
    update()
elif command == ["compile"]:
    compile_all()
else:
    raise SystemExit("usage: python -m gallery.ui.translations [update|compile]")
