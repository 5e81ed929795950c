"""The active window on macOS and Windows (real code; the tests run on X11 only).

macOS: ``osascript`` asks System Events for the frontmost application process (name, unix
pid) and the title of its front window. The title needs the Accessibility permission for the
terminal or daemon running recall (System Settings > Privacy & Security > Accessibility);
without it the application is still known and the title is empty.

Windows: ``user32`` GetForegroundWindow, GetWindowTextW, GetClassNameW and
GetWindowThreadProcessId, then ``kernel32`` QueryFullProcessImageNameW for the process name
(the application is the executable's name without ``.exe``).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys

from .screen import ScreenSourceError, WindowInfo

_OSASCRIPT = """
tell application "System Events"
    set frontApp to first application process whose frontmost is true
    set appName to name of frontApp
    set appPid to unix id of frontApp
    set winTitle to ""
    try
        tell frontApp to set winTitle to value of attribute "AXTitle" of front window
    end try
end tell
return appName & linefeed & (appPid as text) & linefeed & winTitle
"""


class MacSource:
    """The frontmost application and its front window's title, through osascript."""

    name = "macos"

    def __init__(self, timeout: float = 5.0) -> None:
        osascript = shutil.which("osascript")
        if not osascript:
            raise ScreenSourceError("osascript not found: the macOS window source needs /usr/bin/osascript")
        self.osascript = osascript
        self.timeout = timeout

    def describe(self) -> str:
        return "macOS (System Events via osascript; titles need the Accessibility permission)"

    def close(self) -> None:
        pass

    def current(self) -> WindowInfo | None:
        try:
            done = subprocess.run([self.osascript, "-e", _OSASCRIPT], capture_output=True, timeout=self.timeout,
                                  check=False)
        except subprocess.TimeoutExpired:
            return None
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip()
            if "not allowed" in message or "-1743" in message or "-25211" in message:
                raise ScreenSourceError("macOS refused access to System Events: allow the terminal running "
                                        "recall under Privacy & Security > Automation/Accessibility")
            return None
        return parse_osascript(done.stdout.decode("utf-8", "replace"))


def parse_osascript(output: str) -> WindowInfo | None:
    """The three lines MacSource's script prints (application, pid, title)."""
    lines = output.rstrip("\n").split("\n", 2)
    if not lines or not lines[0].strip():
        return None
    app = lines[0].strip()
    pid = int(lines[1]) if len(lines) > 1 and lines[1].strip().isdigit() else None
    title = lines[2].strip() if len(lines) > 2 else ""
    window = f"{pid}:{title}" if pid else None
    return WindowInfo(app=app, title=title, pid=pid, window=window, process=app, platform="macos")


class WindowsSource:
    """The foreground window through user32 (ctypes)."""

    name = "windows"
    # declared here because ctypes.WinDLL exists only on Windows: a type checker on another
    # platform skips __init__ below its platform check, and would not know these otherwise
    user32: ctypes.CDLL
    kernel32: ctypes.CDLL

    def __init__(self) -> None:
        if sys.platform != "win32":
            raise ScreenSourceError("the Windows window source only runs on Windows")
        from ctypes import wintypes

        self.user32 = ctypes.WinDLL("user32", use_last_error=True)
        self.kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        u, k = self.user32, self.kernel32
        u.GetForegroundWindow.restype = wintypes.HWND
        u.GetWindowTextLengthW.argtypes = [wintypes.HWND]
        u.GetWindowTextW.argtypes = [wintypes.HWND, wintypes.LPWSTR, ctypes.c_int]
        u.GetClassNameW.argtypes = [wintypes.HWND, wintypes.LPWSTR, ctypes.c_int]
        u.GetWindowThreadProcessId.argtypes = [wintypes.HWND, ctypes.POINTER(wintypes.DWORD)]
        k.OpenProcess.restype = wintypes.HANDLE
        k.OpenProcess.argtypes = [wintypes.DWORD, wintypes.BOOL, wintypes.DWORD]
        k.QueryFullProcessImageNameW.argtypes = [wintypes.HANDLE, wintypes.DWORD, wintypes.LPWSTR,
                                                 ctypes.POINTER(wintypes.DWORD)]
        k.CloseHandle.argtypes = [wintypes.HANDLE]

    def describe(self) -> str:
        return "Windows (user32 GetForegroundWindow)"

    def close(self) -> None:
        pass

    def _process_path(self, pid: int) -> str | None:
        from ctypes import wintypes

        query_limited_information = 0x1000
        handle = self.kernel32.OpenProcess(query_limited_information, False, pid)
        if not handle:
            return None
        try:
            size = wintypes.DWORD(1024)
            buf = ctypes.create_unicode_buffer(size.value)
            if self.kernel32.QueryFullProcessImageNameW(handle, 0, buf, ctypes.byref(size)):
                return buf.value
            return None
        finally:
            self.kernel32.CloseHandle(handle)

    def current(self) -> WindowInfo | None:
        from ctypes import wintypes

        hwnd = self.user32.GetForegroundWindow()
        if not hwnd:
            return None
        length = self.user32.GetWindowTextLengthW(hwnd)
        buf = ctypes.create_unicode_buffer(length + 1)
        self.user32.GetWindowTextW(hwnd, buf, length + 1)
        title = buf.value
        klass = ctypes.create_unicode_buffer(256)
        self.user32.GetClassNameW(hwnd, klass, 256)
        pid = wintypes.DWORD()
        self.user32.GetWindowThreadProcessId(hwnd, ctypes.byref(pid))
        path = self._process_path(pid.value) if pid.value else None
        process = os.path.basename(path) if path else None
        app = process[:-4] if process and process.lower().endswith(".exe") else process
        return WindowInfo(app=app or klass.value or "unknown", title=title, pid=pid.value or None,
                          window=hex(int(hwnd)), instance=klass.value or None, process=process,
                          platform="windows")
