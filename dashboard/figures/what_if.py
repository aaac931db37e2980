"""The what-if comparison on the Explain page: the recorded and the what-if answers side by
side, every category's probability before and after, and the words behind the new answer."""

from __future__ import annotations

from typing import Any

from dash import html

from dashboard.components.aria import aria
from dashboard.components.charts import chart, paired_bars
from dashboard.figures.explain import word_chart
from dashboard.services.what_if import Answer, WhatIf
from dashboard.web.i18n import _, category_label, percent

CHART_ID = "what-if-probabilities"


def _answer_card(title: str, answer: Answer) -> html.Section:
    fallback = _(" (image-only fallback)") if answer.fallback else ""
    return html.Section(
        className="what-if__answer",
        **aria(label=title),
        children=[
            html.H3(title),
            html.P(
                [
                    html.Strong(category_label(answer.category)),
                    f", {answer.confidence:.1%}{fallback}",
                ]
            ),
            html.P(answer.review),
            html.P(
                _(
                    "Model: %(model)s",
                    model=answer.model,
                ),
                className="result__meta",
            ),
        ],
    )


def comparison(found: WhatIf) -> list[Any]:
    """Both answers side by side, every category's probability before and after, and the
    words behind the new answer."""
    before, after = found.original.answer, found.answer
    classes = sorted(before.probabilities, key=lambda c: -after.probabilities.get(c, 0.0))
    fig = paired_bars(
        classes,
        (_("Recorded"), [before.probabilities.get(c, 0.0) for c in classes]),
        (_("What if"), [after.probabilities.get(c, 0.0) for c in classes]),
        _("Probability"),
    )
    changed = (
        _("the same category")
        if before.category == after.category
        else category_label(after.category)
    )
    summary = _(
        "Recorded: %(category)s %(confidence)s. %(with_text)s: %(changed)s, %(confidence2)s.",
        category=category_label(before.category),
        confidence=percent(before.confidence, 1),
        with_text=with_text(found),
        changed=changed,
        confidence2=percent(after.confidence, 1),
    )
    rows = [
        (
            c,
            percent(before.probabilities.get(c, 0.0), 1),
            percent(after.probabilities.get(c, 0.0), 1),
            percent(
                after.probabilities.get(c, 0.0) - before.probabilities.get(c, 0.0), 1, signed=True
            ),
        )
        for c in classes
    ]
    shown: list[Any] = [
        html.Div(
            className="what-if__answers",
            children=[
                _answer_card(_("Recorded answer"), before),
                _answer_card(_("What-if answer"), after),
            ],
        ),
        chart(
            CHART_ID,
            _("Probability of each category, recorded and what-if"),
            summary,
            fig,
            [_("Category"), _("Recorded"), _("What if"), _("Change")],
            rows,
            numeric=[False, True, True, True],
        ),
    ]
    if found.explanation is not None and found.explanation.text is not None:
        shown.append(word_chart(found.explanation))
    else:
        shown.append(
            html.P(
                _(
                    "With no text, the image-only fallback answers: there are no words to weigh. "
                    "Record this answer to explain its photo on the Explain page."
                )
            )
        )
    return shown


def with_text(found: WhatIf) -> str:
    return _("With this text") if found.text else _("With no text")
