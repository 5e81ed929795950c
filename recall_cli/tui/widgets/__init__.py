"""The TUI's widgets; each owns its CSS and its messages."""
