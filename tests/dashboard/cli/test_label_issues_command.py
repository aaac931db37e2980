"""Training stores the suspect catalogue labels of the primary model; `vitrine data issues`
lists them as the Review page does, and a decision about a label takes it off the list."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from dashboard.cli import main
from dashboard.services.label_issues import suspect_labels
from dashboard.services.state import Services
from dashboard.settings import Settings
from dashboard.web.app import create_app
from db.engine import session_scope
from db.repo_models import active_versions
from ml import label_issues
from tests.dashboard.api.dash_routing import route_page
from tests.dashboard.cli.test_batch_and_check import _env


def test_training_stores_suspect_labels_listed_by_the_cli_and_the_page(
    trained_settings: Settings,
) -> None:
    services = Services.from_settings(trained_settings)
    with session_scope(services.sessions) as session:
        fusion = active_versions(session)["fusion"]
        folder, version = Path(fusion.artifact_path), f"fusion v{fusion.version}"
    saved = label_issues.load(folder)
    assert saved, "the demo catalogue has some labels its fusion answers contradict"
    found = suspect_labels(services, status="any", page_size=500)
    assert found.model == version
    assert [i.issue.product_uniq_id for i in found.items] == [s.uniq_id for s in saved]
    assert [i.issue.given_category for i in found.items] == [s.given for s in saved]
    one_label = suspect_labels(services, status="any", category=saved[0].given, page_size=500)
    assert [i.issue.product_uniq_id for i in one_label.items] == [
        s.uniq_id for s in saved if s.given == saved[0].given
    ]

    listed = CliRunner().invoke(
        main, ["data", "issues", "--status", "any", "--show", "2"], env=_env(trained_settings)
    )
    assert listed.exit_code == 0, listed.output
    assert f"found by {version}" in listed.output
    first = saved[0]
    assert first.uniq_id in listed.output and f"given {first.given}" in listed.output
    assert f"suggested {first.suggested}" in listed.output
    if len(saved) > 2:
        assert f"and {len(saved) - 2} more" in listed.output

    client = create_app(trained_settings).test_client()
    shown = route_page(client, "/review", "?reason=suspect_label&status=any")
    assert first.uniq_id in shown and f"Keep {first.given}" in shown
    decided = client.post(
        "/api/reviews",
        json={"product_id": first.uniq_id, "decision": "correct", "category": first.suggested},
    )
    assert decided.status_code == 201, decided.get_json()
    assert decided.get_json()["shown"] == {
        "model": None,
        "model_version": None,
        "category": first.given,
        "confidence": None,
    }
    unreviewed = suspect_labels(services, status="unreviewed", page_size=500)
    assert first.uniq_id not in {i.issue.product_uniq_id for i in unreviewed.items}
    reviewed = suspect_labels(services, status="reviewed", page_size=500)
    assert [
        i.review.category for i in reviewed.items if i.issue.product_uniq_id == first.uniq_id
    ] == [first.suggested]
    services.engine.dispose()
