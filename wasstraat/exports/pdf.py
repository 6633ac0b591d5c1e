"""PDF/A-2 for the archive and for publication, made from the .docx by LibreOffice headless: a
real converter that lays out the document as Word would, fills the page references of the
table of contents, and writes a tagged PDF (structure for screen readers).

Offered where LibreOffice is installed (``soffice`` on the PATH, or ``WASSTRAAT_SOFFICE``).
Each conversion runs in its own temporary profile, so conversions in several workers or
threads never share LibreOffice's lock on a profile.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess  # nosec B404: runs LibreOffice with a fixed argument list, no shell
import tempfile
from pathlib import Path

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
            subprocess.run(command, check=True, timeout=TIMEOUT_SECONDS,  # noqa: S603 # nosec B603
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           env={**os.environ, "HOME": work})
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as error:
            raise ConversionFailed(f"LibreOffice failed: {error}") from error
        result = folder / "document.pdf"
        if not result.is_file():
            raise ConversionFailed("LibreOffice wrote no PDF")
        return result.read_bytes()
