"""The what-if comparison on the Explain page: the recorded and the what-if answers side by
side, every category's probability before and after, and the words behind the new answer."""

from __future__ import annotations

from typing import Any

from dash import html

from dashboard.components.aria import aria
from dashboard.components.charts import chart, paired_bars
from dashboard.figures.explain import word_chart
from dashboard.services.what_if import Answer, WhatIf

CHART_ID = "what-if-probabilities"


def _answer_card(title: str, answer: Answer) -> html.Section:
    fallback = " (image-only fallback)" if answer.fallback else ""
    return html.Section(
        className="what-if__answer",
        **aria(label=title),
        children=[
            html.H3(title),
            html.P([html.Strong(answer.category), f", {answer.confidence:.1%}{fallback}"]),
            html.P(answer.review),
            html.P(f"Model: {answer.model}", className="result__meta"),
        ],
    )


def comparison(found: WhatIf) -> list[Any]:
    """Both answers side by side, every category's probability before and after, and the
    words behind the new answer."""
    before, after = found.original.answer, found.answer
    classes = sorted(before.probabilities, key=lambda c: -after.probabilities.get(c, 0.0))
    fig = paired_bars(
        classes,
        ("Recorded", [before.probabilities.get(c, 0.0) for c in classes]),
        ("What if", [after.probabilities.get(c, 0.0) for c in classes]),
        "Probability",
    )
    changed = "the same category" if before.category == after.category else after.category
    summary = (
        f"Recorded: {before.category} {before.confidence:.1%}. {with_text(found)}: {changed}, "
        f"{after.confidence:.1%}."
    )
    rows = [
        (
            c,
            f"{before.probabilities.get(c, 0.0):.1%}",
            f"{after.probabilities.get(c, 0.0):.1%}",
            f"{after.probabilities.get(c, 0.0) - before.probabilities.get(c, 0.0):+.1%}",
        )
        for c in classes
    ]
    shown: list[Any] = [
        html.Div(
            className="what-if__answers",
            children=[
                _answer_card("Recorded answer", before),
                _answer_card("What-if answer", after),
            ],
        ),
        chart(
            CHART_ID,
            "Probability of each category, recorded and what-if",
            summary,
            fig,
            ["Category", "Recorded", "What if", "Change"],
            rows,
            numeric=[False, True, True, True],
        ),
    ]
    if found.explanation is not None and found.explanation.text is not None:
        shown.append(word_chart(found.explanation))
    else:
        shown.append(
            html.P(
                "With no text, the image-only fallback answers: there are no words to weigh. "
                "Record this answer to explain its photo on the Explain page."
            )
        )
    return shown


def with_text(found: WhatIf) -> str:
    return "With this text" if found.text else "With no text"
