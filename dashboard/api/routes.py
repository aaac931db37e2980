"""API routes declare their contract where they are written: `@routes.operation(OP)` registers
the handler under OP's method and path and keeps OP for the OpenAPI document and the access
check, so neither can drift from the code."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint

from dashboard.api.openapi import Operation

Handler = TypeVar("Handler", bound=Callable[..., Any])


def flask_rule(op: Operation) -> str:
    """/predictions/{prediction_id} -> /predictions/<int:prediction_id> (integers typed)."""
    integers = {p.name for p in op.params if p.where == "path" and p.schema["type"] == "integer"}

    def rule(match: re.Match[str]) -> str:
        name = match.group(1)
        return f"<int:{name}>" if name in integers else f"<{name}>"

    return re.sub(r"\{(\w+)\}", rule, op.path)


class Routes:
    """The /api blueprint and the operations its handlers declared."""

    def __init__(self, blueprint: Blueprint) -> None:
        self.blueprint = blueprint
        self.operations: list[Operation] = []

    def operation(self, op: Operation) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.blueprint.add_url_rule(
                flask_rule(op), view_func=handler, methods=[op.method.upper()]
            )
            self.operations.append(op)
            return handler

        return register

    def roles(self) -> dict[tuple[str, str], str | None]:
        """(method, OpenAPI path) -> the role each operation declares, for the access check."""
        return {(op.method.upper(), op.path): op.role for op in self.operations}
