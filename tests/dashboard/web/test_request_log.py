"""The app's request log: one line per request, whatever the client put in the path."""

from __future__ import annotations

from typing import Any

import pytest


def test_control_characters_in_a_path_cannot_forge_a_request_log_line(
    client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    forged = 'request_id=forged-2 method=GET path="/api/health" status=200'
    with caplog.at_level("INFO", logger="vitrine.request"):
        response = client.get("/nothing%0a" + forged.replace(" ", "%20") + "%0d%1b%c2%85x")
    assert response.status_code == 404
    [record] = [r for r in caplog.records if r.name == "vitrine.request"]
    line = record.getMessage()
    assert "\n" not in line and "\r" not in line and "\x1b" not in line
    assert not line.startswith("request_id=forged-2")
    assert 'path=/nothing\\x0arequest_id=forged-2 method=GET path=\\"/api/health\\"' in line
    assert "\\x0d\\x1b\\u0085x status=404 " in line
