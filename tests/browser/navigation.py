"""Opening a page as a reader does: load it and wait for its heading."""

from __future__ import annotations

from typing import Any


def open_page(duo: Any, path: str, timeout: int = 60) -> None:
    duo.driver.get(duo.server_url + path)
    duo.wait_for_element("#main-content h1", timeout=timeout)
