"""Signing in as a browser does: fetch the form (and its CSRF token), then post it."""

from __future__ import annotations

import re
from typing import Any

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def form_token(client: Any, path: str = "/login") -> str:
    match = _TOKEN.search(client.get(path).get_data(as_text=True))
    assert match, "the sign-in form carries a CSRF token"
    return match.group(1)


def sign_in(client: Any, username: str, password: str, path: str = "/login", **extra: Any) -> Any:
    data = {"username": username, "password": password, "csrf_token": form_token(client, path)}
    data.update(extra.pop("data", {}))
    return client.post(path, data=data, **extra)
