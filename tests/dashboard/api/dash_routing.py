"""Render a page as Dash's router does on in-app navigation, without a browser."""

from __future__ import annotations

import json
import time
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


def _callback(client: Any, output_part: str, values: dict[str, Any], changed: str) -> Any:
    """Post the callback whose output names `output_part` as Dash's renderer does; its answer."""
    deps = client.get("/_dash-dependencies").get_json()
    dep = next(d for d in deps if output_part in d["output"])
    outputs = [
        {"id": part.split(".")[0], "property": part.split(".")[1].split("@")[0]}
        for part in dep["output"].strip(".").split("...")
    ]

    def spec(items: list[dict[str, str]]) -> list[dict[str, Any]]:
        return [{**i, "value": values.get(i["id"])} for i in items]

    body = {
        "output": dep["output"],
        "outputs": outputs,
        "inputs": spec(dep["inputs"]),
        "state": spec(dep["state"]),
        "changedPropIds": [changed],
    }
    answer = client.post("/_dash-update-component", json=body)
    assert answer.status_code in (200, 204), answer.get_data(as_text=True)
    return answer.get_json() if answer.status_code == 200 else None


def run_pixel_job(client: Any, request_data: Any, timeout_s: float = 120) -> dict[str, Any]:
    """Start the Explain page's pixel map from its signed request as the page does, then poll
    it until it is shown or fails; the props written, by component id."""
    started = _callback(
        client,
        "explain-pixels-job.data",
        {"explain-pixels-request": request_data},
        "explain-pixels-request.data",
    )["response"]
    shown = {ident: props for ident, props in started.items()}
    job = started.get("explain-pixels-job", {}).get("data")
    deadline = time.monotonic() + timeout_s
    while job and started["explain-pixels-poll"]["disabled"] is False:
        assert time.monotonic() < deadline, shown
        time.sleep(0.3)
        polled = _callback(
            client,
            "explain-pixels-progress.value",
            {"explain-pixels-poll": 1, "explain-pixels-job": job},
            "explain-pixels-poll.n_intervals",
        )
        if polled is None:
            continue
        shown.update(polled["response"])
        if polled["response"].get("explain-pixels-poll", {}).get("disabled"):
            break
    return shown
