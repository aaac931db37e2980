"""The Explain page says what an analyst needs to read its maps: a warning when the category
explained was ruled out, and whether the fast and pixel maps agree and which to trust."""

from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.keys import Keys

from dashboard.services.prediction import predict_and_record
from dashboard.services.state import Services
from dashboard.services.training import catalogue_data
from dashboard.settings import Settings
from db.engine import session_scope
from db.models import Prediction
from db.repo_predictions import get_prediction

pytestmark = pytest.mark.browser


@pytest.fixture
def recorded(trained_settings: Settings) -> Any:
    services = Services.from_settings(trained_settings)
    data = catalogue_data(services)
    i = int(data.index("test")[2])
    answer = predict_and_record(
        services, data.image_paths[i].read_bytes(), data.texts[i], source="ui", request_id="ex"
    )
    services.engine.dispose()
    return answer


def test_a_ruled_out_category_is_said_and_the_maps_are_compared(served, axe, recorded) -> None:  # type: ignore[no-untyped-def]
    probabilities = recorded.prediction.probabilities
    ruled_out = min(probabilities, key=probabilities.get)
    assert probabilities[ruled_out] < 0.01, probabilities  # a confident fusion answer
    served.driver.get(
        f"{served.server_url}/explain?prediction={recorded.prediction_id}&target={ruled_out}"
    )
    served.wait_for_element("#main-content h1", timeout=60)
    warning = served.find_element(".notice--warning").text
    assert "A category the model ruled out" in warning and ruled_out in warning

    served.wait_for_text_to_equal("#explain-pixels-status", "Pixel-level map ready.", timeout=240)
    agreement = served.find_element(".map-agreement").text
    assert agreement.startswith(("The two maps agree", "The two maps disagree"))
    assert "correlation" in agreement and "trust the pixel map" in agreement
    axe.assert_clean("/explain (a ruled-out category, both maps)")

    # The predicted category itself carries no such warning.
    served.driver.get(f"{served.server_url}/explain?prediction={recorded.prediction_id}")
    served.wait_for_element("#main-content h1", timeout=60)
    served.wait_for_contains_text("#main-content", "Explaining", timeout=60)
    assert not served.driver.find_elements("css selector", ".notice--warning")


def test_what_if_compares_an_edited_text_and_records_only_when_asked(  # type: ignore[no-untyped-def]
    served, axe, recorded, trained_settings: Settings
) -> None:
    services = Services.from_settings(trained_settings)
    rows_before = _rows(services)
    served.driver.get(f"{served.server_url}/explain?prediction={recorded.prediction_id}")
    served.wait_for_element("#what-if-title", timeout=120)
    name = served.find_element("#what-if-name")
    description = served.find_element("#what-if-description")
    # The form starts from the recorded text.
    recorded_text = " ".join(
        part for part in (name.get_attribute("value"), description.get_attribute("value")) if part
    )
    assert recorded_text == _input_text(services, recorded.prediction_id)
    for field in (name, description):  # as a person does: clear() alone is not seen by React
        field.send_keys(Keys.CONTROL, "a")
        field.send_keys(Keys.BACKSPACE)
    served.find_element("#what-if-run").click()
    served.wait_for_contains_text("#what-if-status", "Nothing was recorded", timeout=120)
    answers = served.find_element(".what-if__answers").text
    assert "Recorded answer" in answers and "What-if answer" in answers
    assert "(image-only fallback)" in answers  # no text: the fallback answers
    assert "no words to weigh" in served.find_element("#what-if-result").text
    assert _rows(services) == rows_before
    axe.assert_clean("/explain (what-if without text)")

    served.find_element("#what-if-record").click()
    served.wait_for_contains_text("#what-if-status", "Recorded as prediction #", timeout=120)
    assert _rows(services) == rows_before + 1
    link = served.find_element("#what-if-recorded a")
    new_id = int(link.get_attribute("href").rsplit("=", 1)[1])
    assert new_id > recorded.prediction_id
    services.engine.dispose()


def _input_text(services: Services, prediction_id: int) -> str:
    with session_scope(services.sessions) as session:
        row = get_prediction(session, prediction_id)
        assert row is not None
        return row.input_text or ""


def _rows(services: Services) -> int:
    with session_scope(services.sessions) as session:
        return session.query(Prediction).count()
