"""What-if: the recorded photo with another text is predicted and explained again, records
nothing unless asked, and is refused for what its owner could not see."""

from __future__ import annotations

import json
from typing import Any

import pytest

from dashboard.services.explain import NotExplainable
from dashboard.services.prediction import TextRejected, predict_and_record
from dashboard.services.state import Services
from dashboard.services.training import catalogue_data
from dashboard.services.what_if import original, record_what_if, what_if
from dashboard.settings import Settings
from dashboard.web.app import create_app
from db.engine import session_scope
from db.models import Prediction
from db.repo_predictions import get_prediction
from tests.dashboard.api.dash_routing import route_page


def _rows(services: Services) -> int:
    with session_scope(services.sessions) as session:
        return session.query(Prediction).count()


@pytest.fixture(scope="module")
def recorded(trained_settings: Settings) -> tuple[Services, int, int]:
    """A test product predicted and recorded with its catalogue id; (services, id, other index)
    where the other is a test product of another category."""
    services = Services.from_settings(trained_settings)
    data = catalogue_data(services)
    test = data.index("test")
    i = int(test[0])
    other = next(int(j) for j in test if data.labels[j] != data.labels[i])
    answer = predict_and_record(
        services,
        data.image_paths[i].read_bytes(),
        data.texts[i],
        source="ui",
        request_id="what-if",
        product_id=data.ids[i],
    )
    return services, answer.prediction_id, other


def test_the_same_text_gives_the_recorded_answer_and_records_nothing(recorded: Any) -> None:
    services, prediction_id, _other = recorded
    before = _rows(services)
    with session_scope(services.sessions) as session:
        row = get_prediction(session, prediction_id)
        assert row is not None
        stored = dict(row.probabilities)
    start = original(services, prediction_id, None)
    found = what_if(services, prediction_id, start.name, start.description, None)
    # The catalogue product's own text is split back into its name and description.
    assert found.original.name and found.text
    assert found.answer.category == found.original.answer.category
    for category, p in stored.items():
        assert found.answer.probabilities[category] == pytest.approx(p, abs=1e-3)
    assert found.explanation is not None and found.explanation.text is not None
    assert _rows(services) == before


def test_another_products_text_moves_the_answer_towards_its_category(recorded: Any) -> None:
    services, prediction_id, other = recorded
    data = catalogue_data(services)
    category = str(data.labels[other])
    found = what_if(services, prediction_id, "", data.texts[other], None)
    assert found.answer.probabilities[category] > found.original.answer.probabilities[category]
    assert found.explanation is not None and found.explanation.target == found.answer.category


def test_no_text_asks_the_image_only_fallback(recorded: Any) -> None:
    services, prediction_id, _other = recorded
    found = what_if(services, prediction_id, "  ", "", None)
    assert found.answer.fallback and not found.original.answer.fallback
    assert found.explanation is None


def test_refusals_record_nothing(recorded: Any) -> None:
    services, prediction_id, _other = recorded
    before = _rows(services)
    with pytest.raises(TextRejected):
        what_if(services, prediction_id, "Watch\x00", "", None)
    with pytest.raises(NotExplainable):  # another account's prediction, for a viewer
        what_if(services, prediction_id, "", "a watch", only_by=10**9)
    with pytest.raises(NotExplainable):
        what_if(services, 10**12, "", "a watch", None)
    assert _rows(services) == before


def test_recording_writes_one_row_with_the_new_text(recorded: Any) -> None:
    services, prediction_id, _other = recorded
    before = _rows(services)
    new = record_what_if(
        services,
        prediction_id,
        "Analog watch",
        "A steel wrist watch",
        only_by=None,
        request_id="what-if-record",
        by=None,
    )
    assert _rows(services) == before + 1
    with session_scope(services.sessions) as session:
        row = get_prediction(session, new.prediction_id)
        old = get_prediction(session, prediction_id)
        assert row is not None and old is not None
        assert row.input_text == "Analog watch A steel wrist watch"
        assert row.image_sha256 == old.image_sha256 and row.request_id == "what-if-record"


def _callback(client: Any, output: str, values: dict[str, Any]) -> Any:
    deps = client.get("/_dash-dependencies").get_json()
    dep = next(d for d in deps if d["output"].startswith(output))
    outputs = [
        {"id": part.split(".")[0], "property": part.split(".")[1].split("@")[0]}
        for part in dep["output"].strip(".").split("...")
    ]
    body = {
        "output": dep["output"],
        "outputs": outputs,
        "inputs": [{**i, "value": values.get(i["id"])} for i in dep["inputs"]],
        "state": [{**s, "value": values.get(s["id"])} for s in dep["state"]],
        "changedPropIds": [f"{dep['inputs'][0]['id']}.n_clicks"],
    }
    return client.post("/_dash-update-component", json=body)


def test_the_page_tries_from_its_signed_request_only(
    trained_settings: Settings, recorded: Any
) -> None:
    services, prediction_id, _other = recorded
    client = create_app(trained_settings).test_client()
    page = json.loads(route_page(client, "/explain", f"?prediction={prediction_id}"))
    signed = _find(page, "what-if-request")["data"]
    before = _rows(services)
    values = {
        "what-if-run": 1,
        "what-if-request": signed,
        "what-if-name": "",
        "what-if-description": "a watch",
    }
    tried = _callback(client, "..what-if-result.children", values)
    assert tried.status_code == 200
    said = json.dumps(tried.get_json()["response"])
    assert "Nothing was recorded" in said and "What-if answer" in said
    forged = _callback(
        client, "..what-if-result.children", values | {"what-if-request": {"prediction": "1"}}
    )
    assert forged.status_code == 204  # not this page's request: nothing happens
    assert _rows(services) == before


def _find(node: Any, ident: str) -> dict[str, Any]:
    if isinstance(node, dict):
        props = node.get("props", {})
        if props.get("id") == ident:
            return dict(props)
        return _find(props.get("children") if "props" in node else list(node.values()), ident)
    for child in node if isinstance(node, list) else []:
        found = _find(child, ident)
        if found:
            return found
    return {}
