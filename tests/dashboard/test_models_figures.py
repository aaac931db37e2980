"""The Models page's sentences: every tied confusion is named, and a calibration that made the
test split worse says so."""

from __future__ import annotations

from dashboard.figures.models import calibration_summary, most_frequent_confusions


def test_tied_confusions_are_all_named() -> None:
    off = [("Watches", "Computers", 3), ("Baby Care", "Toys", 3), ("Watches", "Baby Care", 1)]
    said = most_frequent_confusions(off)
    assert said.startswith("The most frequent confusions, 3 products each (2 tied)")
    assert "Watches predicted as Computers" in said and "Baby Care predicted as Toys" in said
    assert "Watches predicted as Baby Care" not in said
    assert most_frequent_confusions([("A", "B", 1)]) == (
        "The most frequent confusion: 1 product, A predicted as B."
    )
    assert most_frequent_confusions([]) == "No test product was misclassified."


def test_a_calibration_that_made_things_worse_says_so() -> None:
    worse = calibration_summary({"ece": 0.041, "ece_uncalibrated": 0.029})
    assert "0.041" in worse and "worse than the 0.029 before it" in worse
    better = calibration_summary({"ece": 0.02, "ece_uncalibrated": 0.09})
    assert "(0.090 before)" in better and "worse" not in better
