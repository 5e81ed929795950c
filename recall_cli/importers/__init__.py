"""Import formats. Each module defines one importer; built-ins register via plugins."""
