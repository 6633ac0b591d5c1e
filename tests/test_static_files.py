"""Static files: addresses with a digest of the content, kept by browsers for a year."""

from __future__ import annotations

import os
import re

from wasstraat import static_files


def test_static_files_carry_their_digest_and_are_kept_for_a_year(client, app, tmp_path):
    page = client.get("/login").get_data(as_text=True)
    css = re.search(r'href="(/static/css/app\.css\?v=([0-9a-f]{12}))"', page)
    assert css, "the stylesheet's address carries its digest"
    response = client.get(css.group(1))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # Without the digest the browser asks again (an ETag makes that cheap).
    plain = client.get("/static/css/app.css")
    assert "immutable" not in plain.headers.get("Cache-Control", "") and plain.headers["ETag"]
    # A changed file gets a new address.
    sample = tmp_path / "sample.css"
    sample.write_text("a { color: red }")
    before = static_files.digest(str(sample))
    sample.write_text("a { color: blue }")
    os.utime(sample, (1, 1))
    assert static_files.digest(str(sample)) != before


def test_a_file_is_looked_up_once_per_process_unless_templates_reload(client, app,
                                                                      monkeypatch):
    looked_up: list[str] = []
    real = static_files.digest
    monkeypatch.setattr(static_files, "digest", lambda path: looked_up.append(path) or real(path))
    client.get("/login")
    first = len(looked_up)
    assert first >= 3  # the stylesheets and scripts of the layout
    client.get("/login")
    assert len(looked_up) == first  # a release changes files; it also starts new processes
    app.config["TEMPLATES_AUTO_RELOAD"] = True  # development: a changed file shows at once
    client.get("/login")
    assert len(looked_up) == 2 * first
