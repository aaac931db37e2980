"""Where a `next=` parameter may send a browser: only to a path on this site."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

# What a browser drops from a URL before it reads it (WHATWG URL parsing): tabs and newlines
# anywhere, control characters and spaces at either end; and it reads "\\" as "/".
_DROPPED = str.maketrans("", "", "\t\n\r")
_ENDS = "".join(chr(c) for c in range(0x21))


def _as_browsers_read(target: str) -> str:
    return target.translate(_DROPPED).strip(_ENDS).replace("\\", "/")


def _on_this_site(target: str) -> bool:
    url = _as_browsers_read(target)
    parts = urlsplit(url)
    return (
        url.startswith("/")
        and not url.startswith("//")
        and not parts.scheme
        and not parts.netloc
        and not any(ord(c) < 0x20 or ord(c) == 0x7F for c in url)
    )


def safe_next(target: str | None) -> str:
    """A path on this site, as a browser will read it; "/" for anything that could leave it
    (//host, a scheme, tabs or backslashes that turn into //host, encoded slashes that a proxy
    or the app might decode)."""
    form = target or ""
    for _ in range(3):  # checked as sent and once or twice percent-decoded
        if not _on_this_site(form):
            return "/"
        decoded = unquote(form)
        if decoded == form:
            break
        form = decoded
    return _as_browsers_read(target or "")
