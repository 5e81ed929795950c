"""The active window on X11, read with ctypes from libX11 (no Python dependency).

Which window is active: ``_NET_ACTIVE_WINDOW`` on the root window when a window manager
sets it (EWMH), else the input focus (``XGetInputFocus``; in PointerRoot mode the top-level
window under the pointer). From there the watcher walks to the client window: the nearest
ancestor carrying ``WM_STATE`` (set by a window manager on the windows it manages) or
``WM_CLASS`` (set by the application; the only mark without a window manager), or, from a
frame, the first such window below it.

Read from the client window: the application (``WM_CLASS`` class via ``XGetClassHint``), the
title (``_NET_WM_NAME`` in UTF-8, else ``WM_NAME``), the process id (``_NET_WM_PID``) and,
for a local client, its process name from ``/proc``.

Two Xlib behaviours would kill a long-running daemon and are disarmed: the default error
handler exits on any protocol error (a window closing between two requests raises BadWindow),
so a quiet handler is installed; and a lost connection (the X server ends) calls ``exit()``,
so on libX11 >= 1.8 an exit handler marks the display dead instead, and the next poll
reconnects or reports the error.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import socket
import threading
import time
from ctypes import POINTER, Structure, byref, c_char_p, c_int, c_long, c_ubyte, c_uint, c_ulong, c_void_p
from typing import Any

from .screen import ScreenSourceError, WindowInfo

Window = c_ulong
Atom = c_ulong
SUCCESS = 0
POINTER_ROOT = 1
ANY_PROPERTY_TYPE = 0
MAX_PROPERTY_LONGS = 16384  # 64 KiB of title is more than enough
CONNECT_RETRIES = (0.05, 0.1, 0.2)  # seconds before each new try to open the display


class XErrorEvent(Structure):
    _fields_ = [("type", c_int), ("display", c_void_p), ("resourceid", c_ulong), ("serial", c_ulong),
                ("error_code", c_ubyte), ("request_code", c_ubyte), ("minor_code", c_ubyte)]


class XClassHint(Structure):
    _fields_ = [("res_name", c_void_p), ("res_class", c_void_p)]


ERROR_HANDLER = ctypes.CFUNCTYPE(c_int, c_void_p, POINTER(XErrorEvent))
IO_ERROR_HANDLER = ctypes.CFUNCTYPE(c_int, c_void_p)
IO_EXIT_HANDLER = ctypes.CFUNCTYPE(None, c_void_p, c_void_p)

_lib: ctypes.CDLL | None = None
_lib_lock = threading.Lock()
_handlers: list[object] = []  # keep the ctypes callbacks alive for the life of the process
_dead_displays: set[int] = set()
errors_seen: list[int] = []  # error codes swallowed by the quiet handler (tests read it)


def _on_error(_display: int, event: Any) -> int:
    try:
        errors_seen.append(int(event.contents.error_code))
        del errors_seen[:-20]
    except Exception:  # noqa: BLE001 - never raise into C
        pass
    return 0


def _on_io_error(display: int) -> int:
    _dead_displays.add(int(display or 0))
    return 0


def _on_io_exit(display: int, _data: int) -> None:
    _dead_displays.add(int(display or 0))


def libx11() -> ctypes.CDLL:
    """libX11 with argument types declared and the quiet error handlers installed."""
    global _lib
    with _lib_lock:
        if _lib is not None:
            return _lib
        name = ctypes.util.find_library("X11") or "libX11.so.6"
        try:
            lib = ctypes.CDLL(name)
        except OSError as exc:
            raise ScreenSourceError(f"cannot load libX11 ({exc}); install libx11-6") from None
        sigs: dict[str, tuple[Any, list[Any]]] = {
            "XOpenDisplay": (c_void_p, [c_char_p]),
            "XCloseDisplay": (c_int, [c_void_p]),
            "XDefaultRootWindow": (Window, [c_void_p]),
            "XInternAtom": (Atom, [c_void_p, c_char_p, c_int]),
            "XGetInputFocus": (c_int, [c_void_p, POINTER(Window), POINTER(c_int)]),
            "XQueryTree": (c_int, [c_void_p, Window, POINTER(Window), POINTER(Window),
                                   POINTER(POINTER(Window)), POINTER(c_uint)]),
            "XQueryPointer": (c_int, [c_void_p, Window, POINTER(Window), POINTER(Window), POINTER(c_int),
                                      POINTER(c_int), POINTER(c_int), POINTER(c_int), POINTER(c_uint)]),
            "XGetWindowProperty": (c_int, [c_void_p, Window, Atom, c_long, c_long, c_int, Atom, POINTER(Atom),
                                           POINTER(c_int), POINTER(c_ulong), POINTER(c_ulong),
                                           POINTER(POINTER(c_ubyte))]),
            "XGetClassHint": (c_int, [c_void_p, Window, POINTER(XClassHint)]),
            "XFree": (c_int, [c_void_p]),
            "XSync": (c_int, [c_void_p, c_int]),
            "XSetErrorHandler": (c_void_p, [ERROR_HANDLER]),
            "XSetIOErrorHandler": (c_void_p, [IO_ERROR_HANDLER]),
        }
        for fname, (restype, argtypes) in sigs.items():
            fn = getattr(lib, fname)
            fn.restype = restype
            fn.argtypes = argtypes
        if hasattr(lib, "XSetIOErrorExitHandler"):  # libX11 >= 1.8
            lib.XSetIOErrorExitHandler.restype = None
            lib.XSetIOErrorExitHandler.argtypes = [c_void_p, IO_EXIT_HANDLER, c_void_p]
        handler, io_handler, exit_handler = ERROR_HANDLER(_on_error), IO_ERROR_HANDLER(_on_io_error), \
            IO_EXIT_HANDLER(_on_io_exit)
        _handlers.extend([handler, io_handler, exit_handler])
        lib.XSetErrorHandler(handler)
        lib.XSetIOErrorHandler(io_handler)
        _lib = lib
        return lib


def _exit_handler() -> object:
    """The C callback marking a display dead instead of exiting (handed to libX11 as is)."""
    return _handlers[2]


class X11Source:
    """The active window of one X display (``$DISPLAY`` by default)."""

    name = "x11"

    def __init__(self, display: str | None = None) -> None:
        self.display_name = display if display is not None else os.environ.get("DISPLAY", "")
        if not self.display_name:
            raise ScreenSourceError("no X display: set DISPLAY or run under X11")
        self.x = libx11()
        self._dpy: int | None = None
        self._atoms: dict[str, int] = {}
        self._lock = threading.Lock()
        self._host = socket.gethostname()
        self._connect()

    # -- connection -------------------------------------------------------------------------
    def _connect(self) -> None:
        dpy = self.x.XOpenDisplay(self.display_name.encode())
        for pause in CONNECT_RETRIES:  # a busy server refuses a connection now and then: ask again
            if dpy:
                break
            time.sleep(pause)
            dpy = self.x.XOpenDisplay(self.display_name.encode())
        if not dpy:
            raise ScreenSourceError(f"cannot open X display '{self.display_name}': is the X server running "
                                    "and are you allowed to connect (xhost, XAUTHORITY)?")
        if hasattr(self.x, "XSetIOErrorExitHandler"):
            self.x.XSetIOErrorExitHandler(dpy, _exit_handler(), None)
        self._dpy = dpy
        self._atoms = {}
        self.root = int(self.x.XDefaultRootWindow(dpy))

    @property
    def alive(self) -> bool:
        return self._dpy is not None and self._dpy not in _dead_displays

    def describe(self) -> str:
        wm = "window manager sets _NET_ACTIVE_WINDOW" if self._active_from_wm() is not None else \
            "no EWMH window manager: using the input focus"
        return f"X11 display {self.display_name} ({wm})"

    def close(self) -> None:
        with self._lock:
            if self._dpy is not None and self._dpy not in _dead_displays:
                self.x.XCloseDisplay(self._dpy)
            self._dpy = None

    def _atom(self, name: str) -> int:
        atom = self._atoms.get(name)
        if atom is None:
            atom = int(self.x.XInternAtom(self._dpy, name.encode(), 0))
            self._atoms[name] = atom
        return atom

    # -- properties ------------------------------------------------------------------------
    def _property(self, window: int, name: str, req_type: int = ANY_PROPERTY_TYPE,
                  length: int = MAX_PROPERTY_LONGS) -> tuple[int, int, bytes | list[int]] | None:
        """(type atom, format, data) of a property, or None when missing or the window is gone."""
        actual_type, actual_format = Atom(), c_int()
        nitems, after = c_ulong(), c_ulong()
        data = POINTER(c_ubyte)()
        status = self.x.XGetWindowProperty(self._dpy, window, self._atom(name), 0, length, 0, req_type,
                                           byref(actual_type), byref(actual_format), byref(nitems),
                                           byref(after), byref(data))
        if status != SUCCESS or not self.alive:
            return None
        try:
            if not actual_type.value:
                return None
            count, fmt = nitems.value, actual_format.value
            if fmt == 8:
                value: bytes | list[int] = ctypes.string_at(data, count)
            elif fmt == 16:
                value = list(ctypes.cast(data, POINTER(ctypes.c_short))[:count])
            elif fmt == 32:  # format-32 data is an array of C longs
                value = [v & 0xFFFFFFFF for v in ctypes.cast(data, POINTER(c_long))[:count]]
            else:
                value = b""
            return int(actual_type.value), fmt, value
        finally:
            if data:
                self.x.XFree(data)

    def _has(self, window: int, name: str) -> bool:
        return self._property(window, name, length=0) is not None

    def _text(self, window: int, name: str) -> str | None:
        prop = self._property(window, name)
        if prop is None:
            return None
        kind, _fmt, raw = prop
        if not isinstance(raw, bytes):  # a format-16 or -32 property is not text
            return None
        raw = raw.split(b"\x00")[0] if kind != self._atom("UTF8_STRING") else raw.rstrip(b"\x00")
        if kind == self._atom("STRING"):
            return raw.decode("latin-1")
        return raw.decode("utf-8", "replace")  # UTF8_STRING; COMPOUND_TEXT is ASCII-compatible

    def _cardinal(self, window: int, name: str) -> int | None:
        prop = self._property(window, name, length=1)
        if prop is None or not isinstance(prop[2], list) or not prop[2]:
            return None
        return prop[2][0]

    def _tree(self, window: int) -> tuple[int, list[int]] | None:
        """(parent, children) of a window, or None when it is gone."""
        root, parent = Window(), Window()
        children = POINTER(Window)()
        count = c_uint()
        if not self.x.XQueryTree(self._dpy, window, byref(root), byref(parent), byref(children), byref(count)):
            return None
        try:
            kids = [int(children[i]) for i in range(count.value)] if children else []
        finally:
            if children:
                self.x.XFree(children)
        return int(parent.value), kids

    # -- the active window -------------------------------------------------------------------
    def _active_from_wm(self) -> int | None:
        """_NET_ACTIVE_WINDOW when a window manager maintains it (0 = none active)."""
        prop = self._property(self.root, "_NET_ACTIVE_WINDOW", length=1)
        if prop is None or not isinstance(prop[2], list) or not prop[2]:
            return None
        return prop[2][0]

    def _focused(self) -> int:
        focus, revert = Window(), c_int()
        self.x.XGetInputFocus(self._dpy, byref(focus), byref(revert))
        window = int(focus.value)
        if window == POINTER_ROOT:
            root, child = Window(), Window()
            ints = [c_int() for _ in range(4)]
            mask = c_uint()
            if self.x.XQueryPointer(self._dpy, self.root, byref(root), byref(child), *(byref(i) for i in ints),
                                    byref(mask)):
                return int(child.value)
            return 0
        return 0 if window == self.root else window

    def _client(self, window: int) -> int | None:
        """The application's top-level window for ``window`` (see the module docstring)."""
        current = window
        for _ in range(64):
            if self._has(current, "WM_STATE") or self._has(current, "WM_CLASS"):
                return current
            tree = self._tree(current)
            if tree is None:
                return None
            parent = tree[0]
            if parent in (0, self.root):
                return self._client_below(current, 4) or current
            current = parent
        return None

    def _client_below(self, window: int, depth: int) -> int | None:
        if depth <= 0:
            return None
        tree = self._tree(window)
        if tree is None:
            return None
        for child in reversed(tree[1]):  # topmost first
            if self._has(child, "WM_STATE") or self._has(child, "WM_CLASS"):
                return child
        for child in reversed(tree[1]):
            found = self._client_below(child, depth - 1)
            if found:
                return found
        return None

    def _class_hint(self, window: int) -> tuple[str, str]:
        hint = XClassHint()
        if not self.x.XGetClassHint(self._dpy, window, byref(hint)):
            return "", ""
        try:
            name = ctypes.string_at(hint.res_name).decode("utf-8", "replace") if hint.res_name else ""
            klass = ctypes.string_at(hint.res_class).decode("utf-8", "replace") if hint.res_class else ""
        finally:
            for pointer in (hint.res_name, hint.res_class):
                if pointer:
                    self.x.XFree(pointer)
        return name, klass

    def _process(self, window: int, pid: int | None) -> str | None:
        if not pid:
            return None
        machine = self._text(window, "WM_CLIENT_MACHINE")
        if machine and machine.split(".")[0] != self._host.split(".")[0]:
            return None  # a remote client: its pid is not ours to look up
        try:
            with open(f"/proc/{pid}/comm", encoding="utf-8", errors="replace") as fh:
                return fh.read().strip() or None
        except OSError:
            return None

    def _reconnect_if_dead(self) -> None:
        if self.alive:
            return
        self._dpy = None
        self._connect()  # raises ScreenSourceError while the server is away

    def _check_alive(self) -> None:
        if not self.alive:
            raise ScreenSourceError(f"lost the connection to X display '{self.display_name}'")

    def current(self) -> WindowInfo | None:
        """The active window now, or None (nothing focused, the desktop, a window closing)."""
        with self._lock:
            self._reconnect_if_dead()
            active = self._active_from_wm()
            window = active if active is not None else self._focused()
            self._check_alive()
            if not window or window == self.root:
                return None
            client = self._client(window)
            self._check_alive()
            if not client:
                return None
            instance, klass = self._class_hint(client)
            title = self._text(client, "_NET_WM_NAME")
            if title is None:
                title = self._text(client, "WM_NAME")
            pid = self._cardinal(client, "_NET_WM_PID")
            process = self._process(client, pid)
            self._check_alive()
            app = klass or instance or process or ""
            if not app and title is None:
                return None  # an override-redirect popup or a window without identity
            return WindowInfo(app=app or "unknown", title=title or "", pid=pid, window=hex(client),
                              instance=instance or None, process=process, platform="x11",
                              display=self.display_name)
