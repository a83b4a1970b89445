"""Entry point of the frozen app (PyInstaller): the same `main` as the `gallery` command."""

from gallery.cli import main

raise SystemExit(main())
