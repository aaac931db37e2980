"""The Explain page says what an analyst needs to read its maps: a warning when the category
explained was ruled out, and whether the fast and pixel maps agree and which to trust."""

from __future__ import annotations

from typing import Any

import pytest

from dashboard.services.prediction import predict_and_record
from dashboard.services.state import Services
from dashboard.services.training import catalogue_data
from dashboard.settings import Settings

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
