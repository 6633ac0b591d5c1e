"""PDF/A-2 for the archive and for publication, made from the .docx by LibreOffice headless: a
real converter that lays out the document as Word would, fills the page references of the
table of contents, and writes a tagged PDF (structure for screen readers).

Offered where LibreOffice is installed (``soffice`` on the PATH, or ``WASSTRAAT_SOFFICE``).
Each conversion runs in its own temporary profile, so conversions in several workers or
threads never share LibreOffice's lock on a profile.

A conversion takes seconds of CPU and some hundreds of MB, so a server runs at most
``PDF_CONVERSIONS`` at once, whichever process asks: each holds one of that many lock files
(``flock``, released by the kernel when the process ends, however it ends). A request waits
``PDF_WAIT_SECONDS`` for a slot, then hears "busy, try again in ..." (503 with Retry-After); a
background job waits as long as a conversion may take.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess  # nosec B404: runs LibreOffice with a fixed argument list, no shell
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import current_app, has_app_context, has_request_context

from .. import metrics

CONTENT_TYPE = "application/pdf"
TIMEOUT_SECONDS = 120
# PDF/A-2b with tags; the document's title as the window title; bookmarks from the headings,
# and each heading's Word bookmark as a named destination (pages.py reads its page there).
EXPORT_FILTER = "pdf:writer_pdf_Export:" + json.dumps({
    "SelectPdfVersion": {"type": "long", "value": "2"},
    "UseTaggedPDF": {"type": "boolean", "value": "true"},
    "ExportBookmarks": {"type": "boolean", "value": "true"},
    "ExportBookmarksToPDFDestination": {"type": "boolean", "value": "true"},
    "DisplayPDFDocumentTitle": {"type": "boolean", "value": "true"},
})


class ConversionFailed(RuntimeError):
    """LibreOffice is missing, timed out or wrote no PDF."""


class ConversionBusy(ConversionFailed):
    """Every conversion slot of this server stayed taken while the request waited."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"all PDF conversion slots busy; retry after {retry_after} s")
        self.retry_after = retry_after


POLL_SECONDS = 0.2


def _setting(name: str, default):
    return current_app.config.get(name, default) if has_app_context() else default


@contextmanager
def conversion_slot() -> Iterator[int]:
    """One of the server's ``PDF_CONVERSIONS`` slots, held while the block runs."""
    slots = max(1, int(_setting("PDF_CONVERSIONS", 2)))
    folder = Path(_setting("PDF_SLOTS_DIR", "") or
                  Path(tempfile.gettempdir()) / "wasstraat-pdf-slots")
    folder.mkdir(parents=True, exist_ok=True)
    wait = float(_setting("PDF_WAIT_SECONDS", 20)) if has_request_context() \
        else TIMEOUT_SECONDS * 2
    deadline = time.monotonic() + wait
    while True:
        for number in range(slots):
            handle = open(folder / f"slot-{number}.lock", "a+b")  # noqa: SIM115 - held below
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                continue
            try:
                yield number
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
                handle.close()
            return
        if time.monotonic() >= deadline:
            raise ConversionBusy(max(5, min(60, int(TIMEOUT_SECONDS / 4))))
        time.sleep(POLL_SECONDS)


def converter() -> str | None:
    """The LibreOffice program to run, or None where there is none."""
    configured = os.environ.get("WASSTRAAT_SOFFICE")
    if configured:
        return configured if Path(configured).is_file() else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    return converter() is not None


def to_pdf(docx: bytes) -> bytes:
    program = converter()
    if program is None:
        raise ConversionFailed("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="wasstraat-pdf-") as work:
        folder = Path(work)
        source = folder / "document.docx"
        source.write_bytes(docx)
        command = [program, f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                   "--headless", "--norestore", "--nolockcheck", "--convert-to", EXPORT_FILTER,
                   "--outdir", str(folder), str(source)]
        try:
            with conversion_slot(), metrics.PDF_SECONDS.time():
                subprocess.run(command, check=True, timeout=TIMEOUT_SECONDS,  # noqa: S603 # nosec B603
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env={**os.environ, "HOME": work})
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as error:
            raise ConversionFailed(f"LibreOffice failed: {error}") from error
        result = folder / "document.pdf"
        if not result.is_file():
            raise ConversionFailed("LibreOffice wrote no PDF")
        return result.read_bytes()
