"""The items of the Review page: a prediction to confirm or correct, and a catalogue product
whose given label looks wrong. Each shows its photo, its evidence, links to its views, the
newest decision about it and the decision buttons."""

from __future__ import annotations

from typing import Any

from dash import html

from dashboard.components.aria import aria
from dashboard.components.products import product_views, thumbnail
from dashboard.components.review_decision import decision_group, item_shell, ranked_others
from dashboard.components.review_marks import review_said
from dashboard.services.label_issues import SuspectLabel
from dashboard.services.prediction import recorded_review
from dashboard.services.review_queue import REASON_LABELS, QueueItem, reasons_of
from ml.categories import CATEGORIES


def _links(links: list[Any]) -> html.P:
    out: list[Any] = []
    for link in links:
        out += [" · ", link] if out else [link]
    return html.P(out)


def prediction_item(item: QueueItem, max_margin: float) -> html.Li:
    p = item.prediction
    heading_id = f"review-item-{p.id}-title"
    probabilities = p.probabilities or {}
    ranked = sorted(probabilities.items(), key=lambda kv: -kv[1])
    runner_up = f"{ranked[1][0]} {ranked[1][1]:.0%}" if len(ranked) > 1 else "—"
    margin = f" Margin {p.margin:.0%}." if p.margin is not None else ""
    why = [REASON_LABELS[r] for r in reasons_of(p, max_margin)]
    links: list[Any] = [
        html.A(f"Explain #{p.id}", href=f"/explain?prediction={p.id}"),
        html.A(f"Report #{p.id}", href=f"/api/predictions/{p.id}/report?format=html"),
    ]
    if p.product_uniq_id:
        links.append(html.A("Similar products", href=f"/similar?product={p.product_uniq_id}"))
    photo = html.Img(
        src=f"/api/predictions/{p.id}/photo?size=96",
        alt=f"Photo of prediction {p.id}",
        width=96,
        height=96,
        className="review-item__photo",
    )
    return item_shell(
        f"review-item-{p.id}",
        heading_id,
        photo,
        [
            html.H3(
                f"#{p.id}: {p.category}, {p.confidence:.0%}",
                id=heading_id,
                className="review-item__title",
            ),
            html.P(f"Runner-up: {runner_up}.{margin}"),
            html.P(f"Why: {', '.join(why) or '—'}. {recorded_review(p)}"),
            html.P(
                f"{p.model_name} v{p.model_version} · {p.source} · "
                f"{p.created_at:%Y-%m-%d %H:%M} UTC",
                className="result__meta",
            ),
            _links(links),
            html.P(["Latest decision: ", review_said(item.review)]) if item.review else "",
            decision_group(
                "review",
                p.id,
                p.category,
                f"Confirm {p.category}",
                ranked_others(p.category, probabilities, CATEGORIES),
                heading_id,
            ),
        ],
    )


def label_item(item: SuspectLabel) -> html.Li:
    issue, product = item.issue, item.product
    uid = product.uniq_id
    heading_id = f"review-label-{uid}-title"
    p = issue.probabilities
    given, suggested = issue.given_category, issue.suggested_category
    neighbours = [
        html.Li(
            html.A(
                f"{n['category']} (similarity {n['similarity']:.2f})",
                href=f"/similar?product={n['uniq_id']}",
                **aria(
                    label=f"Neighbour labelled {n['category']}, similarity "
                    f"{n['similarity']:.2f}: its similar products"
                ),
            )
        )
        for n in issue.neighbours
    ]
    return item_shell(
        f"review-label-{uid}",
        heading_id,
        thumbnail(product, 96, "review-item__photo"),
        [
            html.H3(
                f"{product.product_name[:80]}: labelled {given}",
                id=heading_id,
                className="review-item__title",
            ),
            html.P(
                f"A model that never saw this product answers {suggested} "
                f"({p.get(suggested, 0):.0%}); its label {given} gets {p.get(given, 0):.0%}. "
                f"Label quality {issue.quality:.2f} (suspect #{issue.rank})."
            ),
            html.P("Its nearest catalogue products are labelled:", className="mb-0"),
            html.Ul(neighbours, className="review-item__neighbours"),
            html.P(f"id {uid} · {product.split} split", className="result__meta"),
            html.P(product_views(product, None)),
            html.P(["Latest decision: ", review_said(item.review)]) if item.review else "",
            decision_group(
                "label",
                uid,
                given,
                f"Keep {given}",
                ranked_others(given, p, CATEGORIES),
                heading_id,
            ),
        ],
    )
