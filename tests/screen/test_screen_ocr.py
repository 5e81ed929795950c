"""The first-party recall-ocr plugin (plugins/recall-ocr): dedupe, image grabbing, tesseract."""

from __future__ import annotations

import importlib
import shutil
import sys
import tomllib

import pytest

from recall_cli.capture.screen import ScreenWatcher, WindowInfo, detect_source, ocr_from_plugins
from recall_cli.plugins.manager import get_plugins
from tests.screen.xserver import OCR_PLUGIN


@pytest.fixture(scope="module")
def recall_ocr():
    sys.path.insert(0, str(OCR_PLUGIN))
    try:
        yield importlib.import_module("recall_ocr")
    finally:
        sys.path.remove(str(OCR_PLUGIN))


def test_the_distribution_registers_the_module_as_the_ocr_plugin(recall_ocr):
    project = tomllib.loads((OCR_PLUGIN / "pyproject.toml").read_text())
    assert project["project"]["entry-points"]["recall"] == {"ocr": "recall_ocr"}
    plugins = get_plugins([("ocr", recall_ocr)], load_entry_points=False)
    assert [impl.plugin_name for impl in plugins.pm.hook.screen_text.get_hookimpls()] == ["ocr"]


def test_the_same_text_is_returned_once(recall_ocr, recall_home):
    screens = iter(["Invoice 2291\nTotal: 340 EUR", "invoice 2291   \n\ntotal 340 eur.", "Invoice 2292\nTotal: 12 EUR",
                    "Invoice 2291\nTotal: 340 EUR", "", "  |  ~ ", None])
    window = WindowInfo("Evince", "invoice.pdf")
    reads = [recall_ocr.read_window_text(window, recall_home, ocr=lambda w: next(screens)) for _ in range(7)]
    assert reads == ["Invoice 2291\nTotal: 340 EUR", None, "Invoice 2292\nTotal: 12 EUR", None, None, None, None]
    seen = recall_home / "ocr" / "seen.json"
    assert seen.exists()
    # the hashes persist: a new process (a new SeenTexts) still knows the text
    assert recall_ocr.read_window_text(window, recall_home, ocr=lambda w: "INVOICE 2292 total 12 EUR") is None


def test_only_the_last_n_texts_are_kept(recall_ocr, tmp_path):
    seen = recall_ocr.SeenTexts(tmp_path / "seen.json", keep=3)
    assert all(seen.add(f"page number {i}") for i in range(5))
    assert len(seen.hashes) == 3
    assert "page number 4" in seen and "page number 0" not in seen
    assert recall_ocr.SeenTexts(tmp_path / "seen.json", keep=3).add("page number 0")  # forgotten: new again
    (tmp_path / "seen.json").write_text("{not json")
    assert recall_ocr.SeenTexts(tmp_path / "seen.json").hashes == []  # a damaged file starts afresh


def test_ocr_events_through_the_watcher_are_deduplicated(recall_ocr, recall_home, clock, sink):
    """The watcher asks the hook every minute; unchanged text is stored once."""
    pages = iter(["Chapter 1\nIt was a dark night", "Chapter 1\nIt was a dark night", "Chapter 2\nMorning came"])

    class Fake:
        name = "fake"

        def current(self):
            return WindowInfo("Okular", "novel.pdf", window="0x1", platform="test")

        def describe(self):
            return "fake"

        def close(self):
            pass

    plugin = type("OcrWithFakeReader", (), {
        "screen_text": staticmethod(recall_ocr.hookimpl(
            lambda window, home: recall_ocr.read_window_text(window, home, ocr=lambda w: next(pages))))})
    plugins = get_plugins([("ocr", plugin)], load_entry_points=False)
    watcher = ScreenWatcher(Fake(), home=recall_home, sink=sink, clock=clock, min_seconds=5, poll_seconds=30,
                            ocr=ocr_from_plugins(plugins, recall_home))
    watcher.poll_once()
    for _ in range(3):
        clock.advance(61)
        watcher.poll_once()
    watcher.flush()
    assert [r["text"] for r in sink.kinds("ocr")] == ["Chapter 1\nIt was a dark night", "Chapter 2\nMorning came"]
    assert len(sink.kinds("focus")) == 1


def test_ppm_conversion_of_x_pixels(recall_ocr):
    from recall_ocr.grab import to_ppm

    # two pixels per row, 32-bit BGRX, rows padded to 12 bytes
    rows = bytes([0, 0, 255, 0, 255, 0, 0, 0, 9, 9, 9, 9]) + bytes([10, 20, 30, 0, 1, 2, 3, 0, 9, 9, 9, 9])
    assert to_ppm(rows, 2, 2, 12, scale=1) == b"P6\n2 2\n255\n" + bytes([255, 0, 0, 0, 0, 255, 30, 20, 10, 3, 2, 1])
    doubled = to_ppm(rows[:12], 2, 1, 12, scale=2)
    assert doubled == b"P6\n4 2\n255\n" + bytes([255, 0, 0] * 2 + [0, 0, 255] * 2) * 2


def test_windows_of_other_platforms_are_not_grabbed(recall_ocr):
    from recall_ocr.grab import GrabError, grab_window

    with pytest.raises(GrabError, match="X11 only"):
        grab_window(WindowInfo("Safari", "x", platform="macos"))


def test_tesseract_reads_a_real_window_under_xvfb(recall_ocr, windows, display, recall_home, clock, sink):
    if not shutil.which("tesseract"):
        pytest.skip("tesseract is not installed (apt-get install tesseract-ocr)")
    try:
        import tkinter  # noqa: F401
    except ImportError:
        pytest.skip("tkinter is not available to draw a window with large text")
    win = windows("notes", "Notes", "Shopping list", tk_text="Remember the oat milk\nReturn library books")
    win.focus()
    source = detect_source()
    try:
        window = source.current()
        assert (window.app, window.title) == ("Notes", "Shopping list")
        from recall_ocr.grab import grab_window
        from recall_ocr.tesseract import tesseract_text

        grabbers = [False] + ([True] if shutil.which("import") else [])  # XGetImage, ImageMagick's import
        for use_import in grabbers:
            text = tesseract_text(grab_window(window, use_import=use_import))
            assert "Remember the oat milk" in text and "Return library books" in text, (use_import, text)

        plugins = get_plugins([("ocr", recall_ocr)], load_entry_points=False)
        watcher = ScreenWatcher(source, home=recall_home, sink=sink, clock=clock, min_seconds=5, poll_seconds=30,
                                ocr=ocr_from_plugins(plugins, recall_home))
        watcher.poll_once()
        clock.advance(6)
        watcher.poll_once()
        clock.advance(61)
        watcher.poll_once()  # the same text again: not stored twice
        watcher.flush()
    finally:
        source.close()
    ocr = sink.kinds("ocr")
    assert len(ocr) == 1 and "Remember the oat milk" in ocr[0]["text"]
    assert ocr[0]["meta"]["span"] == sink.kinds("focus")[0]["meta"]["span"]
    assert ocr[0]["meta"]["title"] == "Shopping list"
