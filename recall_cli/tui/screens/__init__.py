"""The TUI's screens: main, help, first run, confirm, edit, too small."""
