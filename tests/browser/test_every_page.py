"""Every registered page, in a real browser: no axe violation, and the skip link works."""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from dashboard.pages import PAGES
from dashboard.services import style_shift
from dashboard.services.ingest import ingest_catalogue
from dashboard.services.prediction import predict_and_record
from dashboard.services.state import Services
from dashboard.services.training import catalogue_data
from dashboard.web.app import create_app
from dashboard.web.context import services
from dashboard.web.resources import migrations_dir
from db import migrations
from ml.demo.catalogue import generate
from tests.browser.navigation import draw_every_chart, drawn_charts
from tests.conftest import make_settings

pytestmark = pytest.mark.browser
PRESSED = '#models-pick [aria-pressed="true"]'
UNSUPPORTED_TRACES = """
const graphs = [...document.querySelectorAll('.js-plotly-plot')];
if (!graphs.length) return [];
const known = new Set(Object.keys(window.Plotly.PlotSchema.get().traces));
return graphs.flatMap(g => (g.data || []).map(t => t.type || 'scatter'))
  .filter(type => !known.has(type));
"""


def _start(dash_duo, tmp_path: Path, *, catalogue: bool):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'browser.db'}"
    migrations.upgrade(url, migrations_dir())
    server = create_app(make_settings(tmp_path, url))
    if catalogue:
        csv_path = generate(tmp_path / "demo", per_category=3, seed=0, progress=False)
        ingest_catalogue(services(server), csv_path, tmp_path / "demo/Images", progress=False)
    dash_duo.start_server(server.extensions["dash"])
    return dash_duo


@pytest.fixture
def served(dash_duo, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The app on an empty catalogue."""
    return _start(dash_duo, tmp_path, catalogue=False)


@pytest.fixture
def served_loaded(dash_duo, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The app with a small demo catalogue loaded."""
    return _start(dash_duo, tmp_path, catalogue=True)


@pytest.fixture
def served_trained(dash_duo, trained_settings):  # type: ignore[no-untyped-def]
    """The app with a catalogue and all seven models trained."""
    dash_duo.start_server(create_app(trained_settings).extensions["dash"])
    return dash_duo


def _open(duo, path: str, timeout: int = 60) -> None:  # type: ignore[no-untyped-def]
    duo.driver.get(duo.server_url + path)
    duo.wait_for_element("#main-content h1", timeout=timeout)


@pytest.mark.parametrize("page", PAGES, ids=lambda m: m.PATH)
def test_page_passes_axe_wcag21aa(served, axe, page) -> None:  # type: ignore[no-untyped-def]
    _open(served, page.PATH)
    assert served.driver.title == page.TITLE
    axe.assert_clean(page.PATH)


@pytest.mark.parametrize("page", PAGES, ids=lambda m: m.PATH)
def test_page_with_catalogue_passes_axe_wcag21aa(served_loaded, axe, page) -> None:  # type: ignore[no-untyped-def]
    _open(served_loaded, page.PATH)
    axe.assert_clean(f"{page.PATH} (catalogue loaded)")
    # The data tables behind each chart's disclosure are audited too.
    served_loaded.driver.execute_script(
        "document.querySelectorAll('details').forEach(d => d.open = true);"
    )
    axe.assert_clean(f"{page.PATH} (catalogue loaded, tables open)")


@pytest.mark.parametrize("page", PAGES, ids=lambda m: m.PATH)
def test_page_with_trained_models_passes_axe_wcag21aa(served_trained, axe, page) -> None:  # type: ignore[no-untyped-def]
    _open(served_trained, page.PATH)
    served_trained.driver.execute_script(
        "document.querySelectorAll('details').forEach(d => d.open = true);"
    )
    draw_every_chart(served_trained.driver)
    axe.assert_clean(f"{page.PATH} (models trained)")
    # The page ran under the app's Content-Security-Policy without anything refused.
    refused = [
        entry["message"]
        for entry in served_trained.get_logs() or []
        if "Content Security Policy" in entry["message"]
    ]
    assert not refused, refused
    # Every chart drew with the cartesian Plotly bundle the app serves: no trace of a type
    # that bundle lacks.
    unsupported = served_trained.driver.execute_script(UNSUPPORTED_TRACES)
    assert unsupported == [], unsupported


def test_models_page_compares_and_switches_by_keyboard(served_trained, axe) -> None:  # type: ignore[no-untyped-def]
    _open(served_trained, "/models")
    served_trained.wait_for_element("#models-confusion-fusion-title", timeout=20)
    table = served_trained.find_element("#main-content table")
    assert "fusion" in table.text and "ensemble" in table.text
    # Pick another model with the keyboard only: Tab to its button, press Enter.
    pressed = served_trained.driver.find_elements(By.CSS_SELECTOR, PRESSED)
    assert [b.text for b in pressed] == ["fusion (v1)"]
    body = served_trained.driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    for _ in range(40):
        focused = served_trained.driver.switch_to.active_element
        if focused.text.startswith("vit ("):
            break
        focused.send_keys(Keys.TAB)
    else:
        raise AssertionError("the vit button was never reached with Tab")
    focused.send_keys(Keys.ENTER)
    served_trained.wait_for_element("#models-confusion-vit-title", timeout=20)
    pressed = served_trained.driver.find_elements(By.CSS_SELECTOR, PRESSED)
    assert [b.text.lstrip("✓ ") for b in pressed] == ["vit (v1)"]
    assert "Confusion matrix of vit" in served_trained.find_element("#models-detail").text
    axe.assert_clean("/models (vit selected)")


def test_charts_below_the_first_screen_are_drawn_when_scrolled_to(served_trained) -> None:  # type: ignore[no-untyped-def]
    driver = served_trained.driver
    _open(served_trained, "/models")
    # The comparison chart is on the first screen and draws at once; the detail charts below
    # wait for the reader to scroll to them.
    WebDriverWait(driver, 30).until(lambda d: drawn_charts(d)[0])
    # The detail's charts come from a callback, which a busy machine answers later.
    WebDriverWait(driver, 30).until(lambda d: len(drawn_charts(d)) == 5)
    drawn = drawn_charts(driver)
    assert len(drawn) == 5 and drawn[-1] is False, drawn
    draw_every_chart(driver)
    titles = driver.execute_script(
        "return [...document.querySelectorAll('.js-plotly-plot')].map(g => g.closest('[id]').id);"
    )
    assert titles == [
        "models-comparison",
        "models-global-cells",
        "models-confusion-fusion",
        "models-f1-fusion",
        "models-reliability-fusion",
    ], titles
    # Charts a callback puts in place of drawn ones are drawn too, where the reader is.
    vit = driver.find_element(By.XPATH, "//*[@id='models-pick']//button[starts-with(., 'vit')]")
    driver.execute_script("arguments[0].scrollIntoView({block: 'start'});", vit)
    vit.click()
    served_trained.wait_for_element("#models-confusion-vit .main-svg", timeout=30)


def test_models_page_shows_style_shift_and_why_the_fallback(  # type: ignore[no-untyped-def]
    served_trained, trained_settings, axe
) -> None:
    svc = Services.from_settings(trained_settings)
    art_sets = trained_settings.data_dir.parent / "demo" / "art_sets.csv"
    try:
        report = style_shift.run_and_store(
            svc, art_sets, names=("stage_probe", "baseline"), progress=False
        )
        _open(served_trained, "/models")
        served_trained.wait_for_element("#models-shift-title", timeout=20)
        reason = served_trained.find_element("#models-fallback-reason").text
        assert reason.startswith(f"The image-only fallback is {report['fallback']} because")
        assert "leave-one-style-out" in reason
        per_set = served_trained.find_element("#models-shift-per-set")
        assert all(name in per_set.text for name in report["art_sets"])
        # The review sets' calibration is said in words, with the two coverages measured.
        sets = served_trained.find_element("#models-shift-sets").text
        fallback_means = report["means"][report["fallback"]]
        assert f"{fallback_means['set_coverage']:.1%}" in sets
        assert f"{fallback_means['set_coverage_in_style']:.1%}" in sets
        # What the probes learned from, and how often its unflagged answers were right.
        training = served_trained.find_element("#models-shift-training").text
        assert training.startswith(
            "The linear probes (baseline, stage_probe) also learned from a grayscale copy and a "
            "posterized copy of every training photo."
        )
        assert f"{fallback_means['unflagged_accuracy_pooled']:.1%} of the answers" in training
        # The chart's data table gives that figure for every model, in its own column.
        shift_data = served_trained.find_element(
            "figure[aria-labelledby='models-shift-title'] .chart__data"
        ).get_attribute("textContent")
        assert "Accuracy not flagged, per answer" in shift_data
        pooled = [m["unflagged_accuracy_pooled"] for m in report["means"].values()]
        assert all(f"{p:.1%}" in shift_data for p in pooled if p is not None)
        draw_every_chart(served_trained.driver)
        axe.assert_clean("/models (style-shift report)")

        # An answer of that fallback is explained on pixels once: no second background job.
        data = catalogue_data(svc)
        recorded = predict_and_record(
            svc, data.image_paths[0].read_bytes(), None, source="ui", request_id="shift-explain"
        )
        assert recorded.prediction.model == report["fallback"]  # a probe: no fast cell map
        # A probe has no fast map: the page answers at once and its pixel map is computed by
        # a background job, never on the request thread.
        path = f"/explain?prediction={recorded.prediction_id}"
        _open(served_trained, path)
        served_trained.wait_for_element("#explain-pixels-progress")
        axe.assert_clean("/explain (fallback answer, pixel map computing)")
        served_trained.wait_for_element(
            f"#explain-pixels-{recorded.prediction_id}-title", timeout=180
        )
        served_trained.wait_for_text_to_equal("#explain-pixels-status", "Pixel-level map ready.")
        main = served_trained.find_element("#main-content").text
        assert "log-odds" in main and f"Explaining {recorded.prediction.category}" in main
        axe.assert_clean("/explain (fallback answer, pixel map)")
        # Once computed it comes from the cache as the page renders: no second job.
        _open(served_trained, path)
        served_trained.wait_for_element(f"#explain-pixels-{recorded.prediction_id}-title")
        assert not served_trained.driver.find_elements(By.ID, "explain-pixels-progress")
    finally:
        style_shift.report_path(svc).unlink(missing_ok=True)
        style_shift.scores_path(svc).unlink(missing_ok=True)
        svc.engine.dispose()


def test_overview_shows_the_catalogue(served_loaded) -> None:  # type: ignore[no-untyped-def]
    _open(served_loaded, "/")
    served_loaded.wait_for_element("#overview-categories-title", timeout=15)
    main = served_loaded.find_element("#main-content")
    assert "21" in main.find_element(By.CSS_SELECTOR, ".kpi-list").text
    images = main.find_elements(By.CSS_SELECTOR, ".gallery img")
    assert len(images) == 7
    assert all(img.get_attribute("alt") for img in images)
    # Every image really loads from the API (naturalWidth is 0 for a broken image).
    WebDriverWait(served_loaded.driver, 15).until(
        lambda driver: driver.execute_script(
            "return [...document.querySelectorAll('.gallery img')].every(i => i.complete && "
            "i.naturalWidth > 0);"
        )
    )
    summaries = [el.text for el in main.find_elements(By.CSS_SELECTOR, ".chart__summary")]
    assert any("All 7 categories hold 3 products each." in s for s in summaries)


@pytest.mark.parametrize("page", PAGES, ids=lambda m: m.PATH)
def test_first_tab_reaches_skip_link_which_moves_focus_to_main(served, page) -> None:  # type: ignore[no-untyped-def]
    _open(served, page.PATH)
    driver = served.driver
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    focused = driver.switch_to.active_element
    assert focused.text == "Skip to main content"
    assert focused.is_displayed()

    focused.send_keys(Keys.ENTER)
    inside_main = driver.execute_script(
        "return document.getElementById('main-content').contains(document.activeElement);"
    )
    assert inside_main


def test_navigation_marks_the_current_page(served) -> None:  # type: ignore[no-untyped-def]
    _open(served, "/accessibility")
    served.wait_for_element('.site-nav [aria-current="page"]', timeout=10)
    current = served.driver.find_elements(By.CSS_SELECTOR, '.site-nav [aria-current="page"]')
    assert [link.text for link in current] == ["Accessibility"]


def test_empty_catalogue_names_the_command_that_fills_it(served) -> None:  # type: ignore[no-untyped-def]
    _open(served, "/")
    text = served.find_element("#main-content").text
    assert "The catalogue is empty" in text
    assert "vitrine demo" in text


def test_login_page_passes_axe_and_works_by_keyboard(dash_duo, tmp_path: Path, axe) -> None:  # type: ignore[no-untyped-def]
    from dashboard.services.users import hash_password
    from db.engine import session_scope
    from db.repo_users import add_user

    url = f"sqlite:///{tmp_path / 'login.db'}"
    migrations.upgrade(url, migrations_dir())
    server = create_app(make_settings(tmp_path, url, auth="required"))
    with session_scope(services(server).sessions) as session:
        add_user(session, "ana", hash_password("long enough secret"), "auditor")
    # No navigation on start: the root page is itself behind the sign-in page.
    dash_duo.start_server(server.extensions["dash"], navigate=False)
    driver = dash_duo.driver
    driver.get(dash_duo.server.url + "/audit")  # not signed in: sent to the sign-in page
    dash_duo.wait_for_element("#login-username")
    assert driver.title == "Sign in · Vitrine"
    axe.assert_clean("/login")
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    assert driver.switch_to.active_element.text == "Skip to main content"
    driver.find_element(By.ID, "login-username").send_keys("ana")
    driver.find_element(By.ID, "login-password").send_keys("wrong password" + Keys.ENTER)
    dash_duo.wait_for_element("#login-error")
    axe.assert_clean("/login (error)")
    driver.find_element(By.ID, "login-password").send_keys("long enough secret" + Keys.ENTER)
    dash_duo.wait_for_text_to_equal("#main-content h1", "Audit trail", timeout=20)
    assert "Signed in as ana (auditor)" in dash_duo.find_element("#access-bar").text
