"""A real X11 client window for the screen tests (run as a subprocess).

    python xwin.py INSTANCE CLASS TITLE [--tk TEXT]

Prints the window id (hex) once the window is mapped, then reads commands on stdin, one a
line, answering "ok" after each has reached the server:

    title NEW TITLE     retitle (_NET_WM_NAME in UTF-8 and WM_NAME)
    child               map a subwindow and print its id (instead of "ok")
    quit                close the window and exit

Plain mode uses ctypes on libX11 (sets WM_CLASS, WM_NAME, _NET_WM_NAME, _NET_WM_PID);
``--tk TEXT`` opens a Tk window showing TEXT in a large font instead (for OCR).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from ctypes import POINTER, Structure, byref, c_char_p, c_int, c_long, c_ubyte, c_ulong, c_void_p


class XClassHint(Structure):
    _fields_ = [("res_name", c_char_p), ("res_class", c_char_p)]


def plain(instance: str, klass: str, title: str) -> None:
    x = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
    x.XOpenDisplay.restype = c_void_p
    x.XOpenDisplay.argtypes = [c_char_p]
    x.XDefaultRootWindow.restype = c_ulong
    x.XDefaultRootWindow.argtypes = [c_void_p]
    x.XCreateSimpleWindow.restype = c_ulong
    x.XCreateSimpleWindow.argtypes = [c_void_p, c_ulong, c_int, c_int, ctypes.c_uint, ctypes.c_uint,
                                      ctypes.c_uint, c_ulong, c_ulong]
    x.XInternAtom.restype = c_ulong
    x.XInternAtom.argtypes = [c_void_p, c_char_p, c_int]
    x.XChangeProperty.argtypes = [c_void_p, c_ulong, c_ulong, c_ulong, c_int, c_int, POINTER(c_ubyte), c_int]
    x.XSetClassHint.argtypes = [c_void_p, c_ulong, POINTER(XClassHint)]
    x.XMapWindow.argtypes = [c_void_p, c_ulong]
    x.XSync.argtypes = [c_void_p, c_int]
    x.XDestroyWindow.argtypes = [c_void_p, c_ulong]
    dpy = x.XOpenDisplay(None)
    if not dpy:
        sys.exit("cannot open display")
    win = x.XCreateSimpleWindow(dpy, x.XDefaultRootWindow(dpy), 10, 10, 300, 200, 1, 0, 0xFFFFFF)
    hint = XClassHint(instance.encode(), klass.encode())
    x.XSetClassHint(dpy, win, byref(hint))
    utf8 = x.XInternAtom(dpy, b"UTF8_STRING", 0)
    string = x.XInternAtom(dpy, b"STRING", 0)

    def set_title(text: str) -> None:
        data = text.encode("utf-8")
        buf = (c_ubyte * max(1, len(data))).from_buffer_copy(data or b"\0")
        x.XChangeProperty(dpy, win, x.XInternAtom(dpy, b"_NET_WM_NAME", 0), utf8, 8, 0, buf, len(data))
        latin = text.encode("latin-1", "replace")
        buf2 = (c_ubyte * max(1, len(latin))).from_buffer_copy(latin or b"\0")
        x.XChangeProperty(dpy, win, x.XInternAtom(dpy, b"WM_NAME", 0), string, 8, 0, buf2, len(latin))

    set_title(title)
    pid = (c_long * 1)(os.getpid())
    x.XChangeProperty(dpy, win, x.XInternAtom(dpy, b"_NET_WM_PID", 0), x.XInternAtom(dpy, b"CARDINAL", 0),
                      32, 0, ctypes.cast(pid, POINTER(c_ubyte)), 1)
    x.XMapWindow(dpy, win)
    x.XSync(dpy, 0)
    print(hex(win), flush=True)
    for line in sys.stdin:
        command, _, arg = line.rstrip("\n").partition(" ")
        if command == "title":
            set_title(arg)
        elif command == "child":  # a subwindow without WM_CLASS, as toolkits make
            child = x.XCreateSimpleWindow(dpy, win, 0, 0, 100, 100, 0, 0, 0xFFFFFF)
            x.XMapWindow(dpy, child)
            x.XSync(dpy, 0)
            print(hex(child), flush=True)
            continue
        elif command == "quit":
            x.XDestroyWindow(dpy, win)
            x.XSync(dpy, 0)
            print("ok", flush=True)
            return
        x.XSync(dpy, 0)
        print("ok", flush=True)


def tk_window(instance: str, title: str, text: str) -> None:
    import tkinter as tk

    root = tk.Tk(className=instance)
    root.title(title)
    root.configure(background="white")
    tk.Label(root, text=text, font=("DejaVu Sans", 40), fg="black", bg="white", padx=30, pady=30,
             justify="left").pack()
    root.geometry("+0+0")
    while not root.winfo_viewable():  # mapped and drawn before the id is printed
        root.update()
    root.update()
    print(hex(root.winfo_id()), flush=True)

    root.mainloop()


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) >= 5 and args[3] == "--tk":
        tk_window(args[0], args[2], args[4])
    else:
        plain(args[0], args[1], args[2])
