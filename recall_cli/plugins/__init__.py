"""Plugin manager: built-ins and third-party plugins share the same hooks."""

from .manager import PluginFailure, Plugins, get_plugins

__all__ = ["PluginFailure", "Plugins", "get_plugins"]
