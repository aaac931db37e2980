"""Render a page as Dash's router does on in-app navigation, without a browser."""

from __future__ import annotations

import json
from typing import Any


def route_page(client: Any, pathname: str, search: str = "") -> str:
    """The page content Dash's router sends for `pathname` (and `search`, "?a=b"), as on
    in-app navigation."""
    deps = client.get("/_dash-dependencies").get_json()
    router = next(d for d in deps if "_pages_content.children" in d["output"])
    values = {"pathname": pathname, "search": search, "hash": ""}

    def spec(items: list[dict[str, str]]) -> list[dict[str, Any]]:
        return [{**i, "value": values.get(i["property"])} for i in items]

    outputs = [
        {"id": part.split(".")[0], "property": part.split(".")[1]}
        for part in router["output"].strip(".").split("...")
    ]
    body = {
        "output": router["output"],
        "outputs": outputs,
        "inputs": spec(router["inputs"]),
        "state": spec(router["state"]),
        "changedPropIds": ["_pages_location.pathname"],
    }
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)
    return json.dumps(response.get_json()["response"]["_pages_content"])
