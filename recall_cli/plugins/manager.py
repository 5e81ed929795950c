"""Loading plugins and calling hooks so that a failing plugin never breaks recall."""

from __future__ import annotations

import difflib
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pluggy

from ..models import Event
from .hookspecs import RecallSpec

ENTRY_POINT_GROUP = "recall"
BUILTIN_MODULES = (
    "recall_cli.plugins.builtin_importers",
    "recall_cli.plugins.builtin_sources",
    "recall_cli.plugins.builtin_embedders",
)


@dataclass
class PluginFailure:
    """A plugin that raised while loading or inside a hook."""

    plugin: str
    hook: str
    error: str


class FilterFailed(Exception):
    """A filter_event hook raised: the event is held back, not stored (a privacy filter
    that breaks must not let through what it exists to keep out)."""

    def __init__(self, plugin: str, error: str) -> None:
        super().__init__(f"plugin {plugin} failed in filter_event ({error})")
        self.plugin = plugin
        self.error = error


@dataclass
class Plugins:
    """The plugin manager plus the failures seen so far."""

    pm: pluggy.PluginManager
    failures: list[PluginFailure] = field(default_factory=list)
    builtin_names: set[str] = field(default_factory=set)
    distributions: dict[str, str] = field(default_factory=dict)
    quiet: bool = False
    dropped_by: str | None = None  # the plugin whose filter_event dropped the last event dropped

    def _fail(self, plugin: str, hook: str, exc: BaseException, *, say: bool = True) -> PluginFailure:
        failure = PluginFailure(plugin, hook, f"{type(exc).__name__}: {exc}")
        if failure in self.failures:  # a filter failing on each of 40k imported events is one failure, said once
            return failure
        self.failures.append(failure)
        if say and not self.quiet:
            print(f"Warning: plugin {plugin} failed in {hook}: {failure.error} (skipped)", file=sys.stderr)
        return failure

    def refuse(self, plugin: str, hook: str, why: str) -> None:
        """Leave out something ``plugin`` registered, saying why (once per process)."""
        if not any(f.plugin == plugin and f.hook == hook and f.error == why for f in self.failures):
            self.failures.append(PluginFailure(plugin, hook, why))
            if not self.quiet:
                print(f"Warning: plugin {plugin}: {why}", file=sys.stderr)

    def add_commands(self, app: Any) -> None:
        """Each plugin's register_commands on the typer ``app``, failures isolated; a command or
        group named like one recall has already is left out, so no plugin replaces its own."""
        def named(command: Any) -> str:
            return command.name or (command.callback.__name__.replace("_", "-") if command.callback else "")

        for impl in reversed(self.pm.hook.register_commands.get_hookimpls()):
            plugin = self.pm.get_name(impl.plugin) or repr(impl.plugin)
            commands, groups = len(app.registered_commands), len(app.registered_groups)
            taken = {named(c) for c in app.registered_commands} | {g.name for g in app.registered_groups}
            try:
                impl.function(app=app)
            except (Exception, SystemExit) as exc:  # a plugin must never break recall
                del app.registered_commands[commands:], app.registered_groups[groups:]
                self._fail(plugin, "register_commands", exc)
                continue
            for command in list(app.registered_commands[commands:]):
                if named(command) in taken:
                    app.registered_commands.remove(command)
                    self.refuse(plugin, "register_commands", f"a command named '{named(command)}' would replace "
                                "recall's own; left out")
            for command in list(app.registered_commands[commands:]):
                if not callable(command.callback):  # typer would break on it, and every command with it
                    app.registered_commands.remove(command)
                    self.refuse(plugin, "register_commands", "a command with no function to run; left out")
            for group in list(app.registered_groups[groups:]):
                if not isinstance(group.typer_instance, type(app)):
                    app.registered_groups.remove(group)
                    self.refuse(plugin, "register_commands", f"a command group '{group.name}' that is a "
                                f"{type(group.typer_instance).__name__}, not a typer.Typer; left out")
                elif group.name in taken:
                    app.registered_groups.remove(group)
                    self.refuse(plugin, "register_commands", f"a command group named '{group.name}' would replace "
                                "recall's own; left out")

    def call_each(self, hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call every implementation of a hook, isolating failures; returns (plugin, result)."""
        hook = getattr(self.pm.hook, hook_name)
        results: list[tuple[str, Any]] = []
        for impl in reversed(hook.get_hookimpls()):
            name = self.pm.get_name(impl.plugin) or repr(impl.plugin)
            try:
                results.append((name, impl.function(**{k: kwargs[k] for k in impl.argnames})))
            except (Exception, SystemExit) as exc:  # a plugin must never break recall (nor end it: sys.exit)
                self._fail(name, hook_name, exc)
        return results

    def collect(self, hook_name: str) -> list[tuple[str, tuple]]:
        """Run a ``register_*`` hook and return (plugin, registered args) pairs."""
        collected: list[tuple[str, tuple]] = []
        hook = getattr(self.pm.hook, hook_name)
        for impl in reversed(hook.get_hookimpls()):
            name = self.pm.get_name(impl.plugin) or repr(impl.plugin)
            batch: list[tuple[str, tuple]] = []

            def register(*args: Any, _batch: list = batch, _name: str = name) -> None:
                _batch.append((_name, args))

            try:
                impl.function(register=register)
            except (Exception, SystemExit) as exc:
                self._fail(name, hook_name, exc)
                continue
            collected.extend(batch)
        return collected

    def filter_event(self, event: Event) -> Event | None:
        """Pass an event through every filter_event hook; None means drop it. FilterFailed
        when a hook raises: the caller holds the event back and says so (no warning here, so
        that `recall add` says it in one line)."""
        hook = self.pm.hook.filter_event
        for impl in reversed(hook.get_hookimpls()):
            name = self.pm.get_name(impl.plugin) or repr(impl.plugin)
            try:
                result = impl.function(event=event)
                if result is not None and not isinstance(result, Event):  # the next filter would break on it
                    raise TypeError(f"returned a {type(result).__name__}, not an Event or None")
            except (Exception, SystemExit) as exc:
                raise FilterFailed(name, self._fail(name, "filter_event", exc, say=False).error) from exc
            if result is None:
                self.dropped_by = name
                return None
            event = result
        return event

    def listing(self) -> list[dict[str, Any]]:
        """Every registered plugin with its hooks, for `recall plugins`."""
        rows = []
        for plugin in self.pm.get_plugins():
            name = self.pm.get_name(plugin)
            hooks = sorted(h.name for h in self.pm.get_hookcallers(plugin) or [])
            dist = self.distributions.get(name) if name is not None else None
            rows.append({"name": name, "hooks": hooks, "builtin": name in self.builtin_names,
                         "distribution": dist})
        return sorted(rows, key=lambda r: (not r["builtin"], r["name"]))


def _unknown_hooks(pm: pluggy.PluginManager, plugin: object) -> list[str]:
    """The hook implementations of ``plugin`` that match no hook spec (a misspelt
    ``filter_events`` never runs: pluggy only finds these in ``check_pending``)."""
    return sorted(caller.name for caller in pm.get_hookcallers(plugin) or []
                  if not caller.has_spec()
                  and any(i.plugin is plugin and not i.optionalhook for i in caller.get_hookimpls()))


def _register(plugins: Plugins, plugin: object, name: str) -> None:
    """Register ``plugin``, refusing it whole when a hook it implements matches no spec: a
    privacy filter with a typo in its name would otherwise load cleanly and never run."""
    plugins.pm.register(plugin, name=name)
    unknown = _unknown_hooks(plugins.pm, plugin)
    if unknown:
        plugins.pm.unregister(plugin, name=name)
        known = [n for n in vars(RecallSpec) if not n.startswith("_")]
        said = []
        for hook in unknown:
            near = difflib.get_close_matches(hook, known, n=1)
            said.append(f"'{hook}' is no recall hook" + (f" (did you mean '{near[0]}'?)" if near else
                                                          f" (the hooks: {', '.join(known)})"))
        raise pluggy.PluginValidationError(plugin, "; ".join(said))


def _load_entry_points(plugins: Plugins) -> None:
    from importlib.metadata import entry_points

    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if plugins.pm.has_plugin(ep.name) or plugins.pm.is_blocked(ep.name):
            continue
        try:
            module = ep.load()
            _register(plugins, module, ep.name)
            if ep.dist is not None:
                plugins.distributions[ep.name] = f"{ep.dist.name} {ep.dist.version}"
        except (Exception, SystemExit) as exc:
            plugins._fail(ep.name, "load", exc)


_PLUGINS: Plugins | None = None


def get_plugins(extra: list[tuple[str, object]] | None = None, *, fresh: bool = False,
                load_entry_points: bool = True, quiet: bool = False) -> Plugins:
    """The process-wide plugin manager (built-ins, entry points, then ``extra``); ``quiet``:
    failures are only listed, not also warned about (`recall plugins` names each itself)."""
    global _PLUGINS
    if _PLUGINS is not None and not fresh and not extra:
        _PLUGINS.quiet = _PLUGINS.quiet or quiet
        return _PLUGINS
    import importlib

    pm = pluggy.PluginManager("recall")
    pm.add_hookspecs(RecallSpec)
    plugins = Plugins(pm, quiet=quiet)
    for module_name in BUILTIN_MODULES:
        module = importlib.import_module(module_name)
        short = module_name.rsplit(".", 1)[1]
        pm.register(module, name=short)
        plugins.builtin_names.add(short)
    if load_entry_points:
        _load_entry_points(plugins)
    for name, plugin in extra or []:
        _register(plugins, plugin, name)
    if not extra:
        _PLUGINS = plugins
    return plugins


def reset_plugins() -> None:
    """Forget the cached manager (tests)."""
    global _PLUGINS
    _PLUGINS = None


Registrar = Callable[..., None]
