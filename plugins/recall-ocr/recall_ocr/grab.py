"""Grabbing the pixels of an X11 window as a PPM image.

ImageMagick's ``import`` when it is installed; otherwise ``XGetImage`` through ctypes on
libX11 (24/32-bit TrueColor displays, the usual case). Either way the image is scaled up
twice: tesseract reads small interface text much better that way.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import subprocess
from ctypes import POINTER, Structure, byref, c_char_p, c_int, c_long, c_uint, c_ulong, c_void_p
from typing import Any

SCALE = 2
TIMEOUT = 30.0


class GrabError(Exception):
    """The window's pixels could not be read."""


def grab_window(window: Any, *, use_import: bool | None = None) -> bytes:
    """A PPM image of ``window`` (a recall WindowInfo from the X11 source)."""
    if getattr(window, "platform", "") != "x11" or not getattr(window, "window", None):
        raise GrabError(f"window capture works on X11 only (this window is {getattr(window, 'platform', '?')})")
    display = getattr(window, "display", None) or os.environ.get("DISPLAY", "")
    wid = int(str(window.window), 0)
    if use_import is None:
        use_import = shutil.which("import") is not None
    if use_import:
        return _with_import(display, wid)
    return _with_xlib(display, wid)


def _with_import(display: str, wid: int) -> bytes:
    env = dict(os.environ, DISPLAY=display)
    try:
        done = subprocess.run(["import", "-silent", "-window", hex(wid), "-resize", f"{SCALE * 100}%", "ppm:-"],
                              capture_output=True, timeout=TIMEOUT, env=env, check=False)
    except subprocess.TimeoutExpired:
        raise GrabError(f"import took longer than {TIMEOUT:g} s") from None
    if done.returncode != 0 or not done.stdout.startswith(b"P6"):
        error = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GrabError(f"import could not grab window {hex(wid)}: {error[-1] if error else 'no image'}")
    return done.stdout


class _XWindowAttributes(Structure):
    _fields_ = [("x", c_int), ("y", c_int), ("width", c_int), ("height", c_int), ("border_width", c_int),
                ("depth", c_int), ("visual", c_void_p), ("root", c_ulong), ("c_class", c_int),
                ("bit_gravity", c_int), ("win_gravity", c_int), ("backing_store", c_int),
                ("backing_planes", c_ulong), ("backing_pixel", c_ulong), ("save_under", c_int),
                ("colormap", c_ulong), ("map_installed", c_int), ("map_state", c_int),
                ("all_event_masks", c_long), ("your_event_mask", c_long), ("do_not_propagate_mask", c_long),
                ("override_redirect", c_int), ("screen", c_void_p)]


class _XImage(Structure):  # the leading fields; the function table after them is not used
    _fields_ = [("width", c_int), ("height", c_int), ("xoffset", c_int), ("format", c_int),
                ("data", c_void_p), ("byte_order", c_int), ("bitmap_unit", c_int), ("bitmap_bit_order", c_int),
                ("bitmap_pad", c_int), ("depth", c_int), ("bytes_per_line", c_int), ("bits_per_pixel", c_int),
                ("red_mask", c_ulong), ("green_mask", c_ulong), ("blue_mask", c_ulong)]


_ERROR_HANDLER = ctypes.CFUNCTYPE(c_int, c_void_p, c_void_p)
_quiet = _ERROR_HANDLER(lambda _d, _e: 0)


def _xlib() -> Any:
    x = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
    x.XOpenDisplay.restype = c_void_p
    x.XOpenDisplay.argtypes = [c_char_p]
    x.XCloseDisplay.argtypes = [c_void_p]
    x.XGetWindowAttributes.argtypes = [c_void_p, c_ulong, POINTER(_XWindowAttributes)]
    x.XGetImage.restype = POINTER(_XImage)
    x.XGetImage.argtypes = [c_void_p, c_ulong, c_int, c_int, c_uint, c_uint, c_ulong, c_int]
    x.XDestroyImage.argtypes = [POINTER(_XImage)]
    x.XSetErrorHandler.restype = c_void_p
    x.XSetErrorHandler.argtypes = [_ERROR_HANDLER]
    return x


def _with_xlib(display: str, wid: int) -> bytes:
    x = _xlib()
    dpy = x.XOpenDisplay(display.encode() if display else None)
    if not dpy:
        raise GrabError(f"cannot open X display '{display}'")
    previous = x.XSetErrorHandler(_quiet)  # a window closing under us must not kill the process
    try:
        attrs = _XWindowAttributes()
        if not x.XGetWindowAttributes(dpy, wid, byref(attrs)) or attrs.map_state != 2:  # IsViewable
            raise GrabError(f"window {hex(wid)} is gone or not visible")
        image = x.XGetImage(dpy, wid, 0, 0, attrs.width, attrs.height, 0xFFFFFFFF, 2)  # ZPixmap
        if not image:
            raise GrabError(f"XGetImage failed on window {hex(wid)}")
        try:
            img = image.contents
            if (img.bits_per_pixel != 32 or img.byte_order != 0 or img.red_mask != 0xFF0000
                    or img.blue_mask != 0xFF):
                raise GrabError(f"unsupported pixel format ({img.bits_per_pixel} bits per pixel); "
                                "install ImageMagick for `import`")
            raw = ctypes.string_at(img.data, img.bytes_per_line * img.height)
            return to_ppm(raw, img.width, img.height, img.bytes_per_line)
        finally:
            x.XDestroyImage(image)
    finally:
        if previous:
            x.XSetErrorHandler(_ERROR_HANDLER(previous))
        x.XCloseDisplay(dpy)


def to_ppm(bgrx: bytes, width: int, height: int, stride: int, scale: int = SCALE) -> bytes:
    """A binary PPM from 32-bit little-endian BGRX rows, scaled up ``scale`` times
    (nearest neighbour; byte slicing keeps it fast without numpy)."""
    rows: list[bytes] = []
    for y in range(height):
        row = bgrx[y * stride: y * stride + width * 4]
        rgb = bytearray(width * 3)
        rgb[0::3], rgb[1::3], rgb[2::3] = row[2::4], row[1::4], row[0::4]
        if scale > 1:
            wide = bytearray(width * 3 * scale)
            for copy in range(scale):
                for channel in range(3):
                    wide[copy * 3 + channel::3 * scale] = rgb[channel::3]
            rgb = wide
        rows.extend([bytes(rgb)] * scale)
    return f"P6\n{width * scale} {height * scale}\n255\n".encode() + b"".join(rows)
