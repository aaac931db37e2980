"""Log lines a client cannot forge: control characters, quotes and backslashes in anything the
client sent (a path's %0a decodes to a newline) are written as escapes, in the app's request
log and in gunicorn's access log alike."""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

_ESCAPES = {c: f"\\x{c:02x}" for c in [*range(0x20), 0x7F]}
_ESCAPES[ord("\\")] = "\\\\"
# C1 controls and the Unicode line and paragraph separators also end a line in some viewers.
_ESCAPES.update({c: f"\\u{c:04x}" for c in [*range(0x80, 0xA0), 0x2028, 0x2029]})
_QUOTED = {**_ESCAPES, ord('"'): '\\"'}


def log_safe(value: object, *, quotes: bool = True) -> str:
    """`value` as one line of printable text (with `quotes`, double quotes escaped too)."""
    return str(value).translate(_QUOTED if quotes else _ESCAPES)


class EscapingLogger(Logger):
    """gunicorn's logger, with every string atom of the access log made safe (gunicorn.conf.py
    sets it as `logger_class`); gunicorn itself then escapes the double quotes."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        return {k: log_safe(v, quotes=False) if isinstance(v, str) else v for k, v in atoms.items()}
