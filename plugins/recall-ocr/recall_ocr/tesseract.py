"""Running tesseract on an image (PPM bytes)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

TIMEOUT = 60.0


class OcrError(Exception):
    """tesseract is missing or failed."""


def tesseract_text(image: bytes, *, lang: str | None = None, timeout: float = TIMEOUT) -> str:
    """The text tesseract reads in ``image`` (any format leptonica reads: PPM, PNG, ...).

    ``lang`` defaults to $RECALL_OCR_LANG or English."""
    exe = shutil.which("tesseract")
    if not exe:
        raise OcrError("tesseract not found: install it (Debian/Ubuntu: apt-get install tesseract-ocr; "
                       "macOS: brew install tesseract)")
    lang = lang or os.environ.get("RECALL_OCR_LANG") or "eng"
    fd, path = tempfile.mkstemp(prefix="recall-ocr-", suffix=".ppm")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(image)
        try:
            done = subprocess.run([exe, path, "stdout", "-l", lang, "--psm", "3"], capture_output=True,
                                  timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise OcrError(f"tesseract took longer than {timeout:g} s") from None
    finally:
        os.unlink(path)
    if done.returncode != 0:
        error = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OcrError(f"tesseract failed: {error[-1] if error else f'exit {done.returncode}'}")
    return done.stdout.decode("utf-8", "replace")
