"""The drift history chart: counts in words that agree in number, and a time axis in minutes
even when the reports are seconds apart."""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

from dashboard.figures.drift import history_chart


def _report(n: int, at: datetime, drift: bool) -> SimpleNamespace:
    return SimpleNamespace(
        id=n, created_at=at, share_drifted=0.5, dataset_drift=drift, current_size=100
    )


def _layout(figure: object) -> dict:
    store = next(c for c in figure.children if type(c).__name__ == "Store")  # type: ignore[attr-defined]
    return dict(store.data["figure"]["layout"])


def test_one_report_is_one_report_on_an_axis_in_minutes() -> None:
    now = datetime(2026, 11, 30, 12, 0, 0)
    figure = history_chart([_report(1, now, True)])
    assert figure.children[1].children.startswith("1 report; 1 found dataset drift")
    axis = _layout(figure)["xaxis"]
    assert axis["tickformat"] == "%Y-%m-%d %H:%M"
    low, high = (datetime.fromisoformat(str(t)) for t in axis["range"])
    assert high - low >= timedelta(hours=1)


def test_reports_seconds_apart_keep_an_hour_in_view() -> None:
    now = datetime(2026, 11, 30, 12, 0, 0)
    figure = history_chart([_report(1, now, False), _report(2, now + timedelta(seconds=3), True)])
    assert figure.children[1].children.startswith("2 reports; 1 found dataset drift")
    low, high = (datetime.fromisoformat(str(t)) for t in _layout(figure)["xaxis"]["range"])
    assert high - low >= timedelta(hours=1)
