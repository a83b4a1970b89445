"""The status bar as a row of small widgets, one job each, composed by the main window."""
