"""Shadow models: a version in shadow answers live predictions too, after the live answer, into
its own append-only table; the Models page, the API, the CLI and the audit trail compare; an
admin promotes it in one recorded action, and a broken shadow never costs a live answer."""

from __future__ import annotations

import csv
import io
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from dashboard.cli import main
from dashboard.services import shadow
from dashboard.services.audit import AuditQuery, export_csv
from dashboard.services.model_roles import (
    ShadowRefused,
    events,
    promote_shadow,
    put_in_shadow,
    stop_shadow,
)
from dashboard.services.prediction import Requester, predict_and_record
from dashboard.services.reviews import choose_category
from dashboard.services.shadow_figures import shadow_views
from dashboard.services.state import Services
from dashboard.services.training import catalogue_data
from dashboard.services.users import hash_password
from dashboard.settings import Settings
from dashboard.web.app import create_app
from db.engine import session_scope
from db.models import Prediction, ShadowAnswer
from db.repo_models import active_versions, get_version
from db.repo_users import add_user
from ml.models.inputs import product_text
from tests.conftest import make_settings
from tests.dashboard.api.dash_routing import route_page
from tests.dashboard.cli.test_batch_and_check import _env
from tests.dashboard.shadow_instance import RELABELLED, record_watches, shadow_instance, watches_of
from tests.dashboard.signin import sign_in

ADMIN = Requester(1, "ada")


@pytest.fixture(scope="module")
def instance(tmp_path_factory: pytest.TempPathFactory, trained_settings: Settings) -> Settings:
    return shadow_instance(tmp_path_factory.mktemp("shadow"), trained_settings)


def test_a_shadow_scores_live_traffic_and_an_admin_promotes_it(instance: Settings) -> None:
    services = Services.from_settings(instance)
    with session_scope(services.sessions) as session:
        assert active_versions(session)["fusion"].version == 1
    put_in_shadow(services, "fusion", 2, ADMIN)

    watches = watches_of(services)
    live = record_watches(services, "shadowed")
    photo_only = predict_and_record(services, watches[0][0], "", source="ui", request_id="photo")
    shadow.wait(services)
    assert {r.prediction.version for r in live} == {1}  # the live answer stays v1's

    with session_scope(services.sessions) as session:
        answers = {a.prediction_id: a for a in session.scalars(select(ShadowAnswer))}
        categories = {
            p.id: p.category for p in session.scalars(select(Prediction).where(
                Prediction.id.in_([r.prediction_id for r in live])))
        }  # fmt: skip
    # Every text answer is scored by fusion v2; the photo-only one went to the fallback, which
    # has no shadow.
    assert set(answers) == {r.prediction_id for r in live}
    assert photo_only.prediction_id not in answers
    assert {(a.model_name, a.model_version) for a in answers.values()} == {("fusion", 2)}
    differ = sorted((i for i, a in answers.items() if a.category != categories[i]), reverse=True)
    assert differ, "v2 learnt watches as computers, so it must disagree on some watches"
    computers = RELABELLED[1]
    assert sum(a.category == computers for a in answers.values()) > sum(
        c == computers for c in categories.values()
    )

    # A reviewer says the first disagreement is a watch: the live answer was right there.
    choose_category(services, "prediction", differ[0], RELABELLED[0], None, None)
    (view,) = shadow_views(services)
    assert (view.name, view.version, view.active_version, view.role) == ("fusion", 2, 1, "primary")
    assert view.figures.scored == len(live)
    assert view.figures.agreed == len(live) - len(differ)
    assert [d.prediction_id for d in view.disagreements] == differ
    assert (view.figures.reviewed, view.figures.live_right, view.figures.shadow_right) == (1, 1, 0)
    assert view.since is not None

    # The audit trail carries the shadow's answer: the API row and the CSV columns.
    client = create_app(instance).test_client()
    page = client.get("/api/audit/predictions?page_size=500&source=api").get_json()
    rows = {item["prediction_id"]: item for item in page["items"]}
    assert rows[differ[0]]["shadow_answer"]["category"] == answers[differ[0]].category
    assert rows[differ[0]]["shadow_answer"]["version"] == 2
    with services.sessions() as session:
        exported = b"".join(export_csv(session, AuditQuery(), copy=False)).decode()
    by_id = {int(r["prediction_id"]): r for r in csv.DictReader(io.StringIO(exported))}
    assert by_id[differ[0]]["shadow_category"] == answers[differ[0]].category
    assert by_id[differ[0]]["shadow_version"] == "2"
    assert by_id[photo_only.prediction_id]["shadow_category"] == ""

    # The Models page compares them and links to both explanations; the Explain page explains
    # the shadow's answer.
    shown = route_page(client, "/models")
    assert "fusion v2, in shadow of v1" in shown
    assert f"/explain?prediction={differ[0]}&shadow=1" in shown
    explained = route_page(client, "/explain", f"?prediction={differ[0]}&shadow=1")
    assert "the answer of fusion v2, in shadow" in explained
    assert f"Explaining {answers[differ[0]].category}" in explained

    # Promotion is one recorded action; then v2 answers and nothing is in shadow.
    change = promote_shadow(services, "fusion", ADMIN)
    assert (change.version, change.replaced_version) == (2, 1)
    newest = events(services)
    assert [(e.action, e.username, e.version) for e in newest[:2]] == [
        ("promote", "ada", 2),
        ("shadow", "ada", 2),
    ]
    assert newest[0].replaced_version == 1
    after = predict_and_record(services, *watches[0], source="api", request_id="after")
    shadow.wait(services)
    assert after.prediction.version == 2
    with session_scope(services.sessions) as session:
        assert session.get(ShadowAnswer, after.prediction_id) is None
        assert not get_version(session, "fusion", 2).is_shadow  # type: ignore[union-attr]
    assert shadow_views(services) == []
    # Back to v1 for the other tests of this module, recorded too.
    put_in_shadow(services, "fusion", 1, ADMIN)
    promote_shadow(services, "fusion", ADMIN)
    services.engine.dispose()


def test_what_cannot_be_shadowed_is_refused_in_words(instance: Settings) -> None:
    services = Services.from_settings(instance)
    with pytest.raises(ShadowRefused, match="is the active version"):
        put_in_shadow(services, "fusion", 1, ADMIN)
    with pytest.raises(LookupError, match="no version 9"):
        put_in_shadow(services, "fusion", 9, ADMIN)
    with pytest.raises(ShadowRefused, match="answers no prediction"):
        put_in_shadow(services, "baseline", 1, ADMIN)
    with pytest.raises(LookupError, match="no version of fusion is in shadow"):
        stop_shadow(services, "fusion", ADMIN)
    with pytest.raises(LookupError, match="no version of fusion is in shadow"):
        promote_shadow(services, "fusion", ADMIN)
    assert shadow_views(services) == []
    services.engine.dispose()


def test_a_broken_shadow_costs_the_live_answer_nothing(
    instance: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    services = Services.from_settings(instance)
    put_in_shadow(services, "fusion", 2, ADMIN)
    with session_scope(services.sessions) as session:
        folder = Path(get_version(session, "fusion", 2).artifact_path)  # type: ignore[union-attr]
    hidden = folder.with_name(folder.name + "-hidden")
    folder.rename(hidden)
    services.memo.clear()  # as a new worker would, with nothing loaded yet
    try:
        photo, text = watches_of(services)[0]
        with caplog.at_level(logging.WARNING, logger="dashboard.services.shadow"):
            answer = predict_and_record(services, photo, text, source="api", request_id="broken")
            shadow.wait(services)
        assert answer.prediction.version == 1
        assert "shadow scoring failed" in caplog.text
        with session_scope(services.sessions) as session:
            assert session.scalar(
                select(ShadowAnswer).where(ShadowAnswer.prediction_id == answer.prediction_id)
            ) is None  # fmt: skip
    finally:
        hidden.rename(folder)
        stop_shadow(services, "fusion", ADMIN)
        services.engine.dispose()


def test_the_api_and_the_page_need_the_admin_role(instance: Settings) -> None:
    root = instance.instance_dir.parent
    settings = make_settings(root, instance.database_url, auth="required")
    app = create_app(settings)
    services = Services.from_settings(settings)
    with session_scope(services.sessions) as session:
        for role in ("viewer", "auditor", "admin"):
            add_user(session, f"shadow-{role}", hash_password("long enough"), role)
    clients = {role: _signed_in(app, f"shadow-{role}") for role in ("viewer", "auditor", "admin")}
    body = {"name": "fusion", "version": 2}
    assert clients["viewer"].post("/api/model/shadow", json=body).status_code == 403
    assert clients["auditor"].get("/api/model/shadow").status_code == 200
    assert clients["viewer"].get("/api/model/shadow").status_code == 403
    admin = clients["admin"]
    refused = admin.post("/api/model/shadow", json={"name": "fusion", "version": 1})
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "shadow_refused"
    assert admin.post("/api/model/shadow", json={"name": "nope", "version": 1}).status_code == 422
    put = admin.post("/api/model/shadow", json=body)
    assert put.status_code == 200, put.get_data(as_text=True)
    assert put.get_json() == {"action": "shadow", "name": "fusion", "version": 2,
                              "replaced_version": None}  # fmt: skip
    info = admin.get("/api/model/info").get_json()
    roles = {(m["name"], m["version"]): m["role"] for m in info["models"]}
    assert roles[("fusion", 2)] == "shadow" and roles[("fusion", 1)] == "primary"
    listed = admin.get("/api/model/shadow").get_json()
    assert [(s["model"], s["version"], s["active_version"]) for s in listed["shadows"]] == [
        ("fusion", 2, 1)
    ]
    assert listed["events"][0]["action"] == "shadow" and listed["events"][0]["by"] == "shadow-admin"
    stopped = admin.delete("/api/model/shadow/fusion")
    assert stopped.status_code == 200 and stopped.get_json()["action"] == "unshadow"
    assert admin.delete("/api/model/shadow/fusion").status_code == 404
    assert admin.post("/api/model/promote", json={"name": "fusion"}).status_code == 404

    # The page's buttons: an auditor is refused in words; an admin puts v2 in shadow.
    button = {"type": "models-shadow-shadow", "name": "fusion", "version": 2}
    for role, said in (("auditor", "needs the admin role"), ("admin", "is in shadow from now on")):
        client = clients[role]
        deps = client.get("/_dash-dependencies").get_json()
        dep = next(d for d in deps if d["output"] == "models-shadow-status.children")
        answer = client.post(
            "/_dash-update-component",
            json={
                "output": dep["output"],
                "outputs": {"id": "models-shadow-status", "property": "children"},
                "inputs": [
                    [{"id": button, "property": "n_clicks", "value": 1}],
                    [],
                    [],
                ],
                "state": [],
                "changedPropIds": [
                    json.dumps(button, sort_keys=True, separators=(",", ":")) + ".n_clicks"
                ],
            },
        )
        assert answer.status_code == 200, answer.get_data(as_text=True)
        assert said in json.dumps(answer.get_json()["response"])
    stop_shadow(services, "fusion", ADMIN)
    services.engine.dispose()


def _signed_in(app: Any, username: str) -> Any:
    client = app.test_client()
    assert sign_in(client, username, "long enough").status_code == 302
    return client


def test_the_cli_puts_in_shadow_compares_and_promotes(instance: Settings) -> None:
    env = _env(instance)
    runner = CliRunner()
    refused = runner.invoke(main, ["models", "shadow", "fusion", "1"], env=env)
    assert refused.exit_code != 0 and "is the active version" in refused.output
    done = runner.invoke(main, ["models", "shadow", "fusion", "2"], env=env)
    assert done.exit_code == 0, done.output
    services = Services.from_settings(instance)
    data = catalogue_data(services)
    i = int(data.index("test")[0])
    predict_and_record(
        services,
        data.image_paths[i].read_bytes(),
        data.texts[i] or product_text("a product", ""),
        source="batch",
        request_id="cli",
    )
    shadow.wait(services)
    listed = runner.invoke(main, ["models", "shadows"], env=env)
    assert listed.exit_code == 0, listed.output
    assert "fusion v2 in shadow of v1 (primary)" in listed.output
    assert "scored" in listed.output
    promoted = runner.invoke(main, ["models", "promote", "fusion"], env=env)
    assert promoted.exit_code == 0 and "fusion v2 is now active (v1 was)" in promoted.output
    back = runner.invoke(main, ["models", "activate", "fusion", "1"], env=env)
    assert back.exit_code == 0 and "(v2 was)" in back.output
    assert [e.action for e in events(services)[:3]] == ["activate", "promote", "shadow"]
    services.engine.dispose()
