"""The items of the Review page: a prediction to confirm or correct, and a catalogue product
whose given label looks wrong. Each shows its photo, its evidence, links to its views, the
newest decision about it and the decision buttons."""

from __future__ import annotations

from typing import Any

from dash import html

from dashboard.components.aria import aria
from dashboard.components.products import product_views, thumbnail
from dashboard.components.report_links import report_url
from dashboard.components.review_decision import decision_group, item_shell, ranked_others
from dashboard.components.review_marks import review_said
from dashboard.services.label_issues import SuspectLabel
from dashboard.services.prediction import recorded_review
from dashboard.services.review_queue import REASON_LABELS, QueueItem, reasons_of
from dashboard.web.i18n import _, category_label, decimal, percent
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
    margin = (
        _(
            " Margin %(margin)s.",
            margin=percent(p.margin, 0),
        )
        if p.margin is not None
        else ""
    )
    why = [_(REASON_LABELS[r]) for r in reasons_of(p, max_margin)]
    links: list[Any] = [
        html.A(
            _(
                "Explain #%(id)s",
                id=p.id,
            ),
            href=f"/explain?prediction={p.id}",
        ),
        html.A(
            _(
                "Report #%(id)s",
                id=p.id,
            ),
            href=report_url(p.id, "html"),
        ),
    ]
    if p.product_uniq_id:
        links.append(html.A(_("Similar products"), href=f"/similar?product={p.product_uniq_id}"))
    photo = html.Img(
        src=f"/api/predictions/{p.id}/photo?size=96",
        alt=_(
            "Photo of prediction %(id)s",
            id=p.id,
        ),
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
                f"#{p.id}: {category_label(p.category)}, {percent(p.confidence, 0)}",
                id=heading_id,
                className="review-item__title",
            ),
            html.P(
                _(
                    "Runner-up: %(runner_up)s.%(margin)s",
                    runner_up=runner_up,
                    margin=margin,
                )
            ),
            html.P(
                _(
                    "Why: %(value)s. %(recorded_review)s",
                    value=", ".join(why) or "—",
                    recorded_review=recorded_review(p, _),
                )
            ),
            html.P(
                _(
                    "%(model_name)s v%(model_version)s · %(source)s · %(created_at)s UTC",
                    model_name=p.model_name,
                    model_version=p.model_version,
                    source=p.source,
                    created_at=format(p.created_at, "%Y-%m-%d %H:%M"),
                ),
                className="result__meta",
            ),
            _links(links),
            html.P([_("Latest decision: "), review_said(item.review)]) if item.review else "",
            decision_group(
                "review",
                p.id,
                p.category,
                _(
                    "Confirm %(category)s",
                    category=category_label(p.category),
                ),
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
                _(
                    "%(category)s (similarity %(similarity)s)",
                    category=category_label(n["category"]),
                    similarity=decimal(n["similarity"], 2),
                ),
                href=f"/similar?product={n['uniq_id']}",
                **aria(
                    label=_(
                        "Neighbour labelled %(category)s, similarity %(similarity)s: its "
                        "similar products",
                        category=category_label(n["category"]),
                        similarity=decimal(n["similarity"], 2),
                    )
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
                _(
                    "%(product_name)s: labelled %(given)s",
                    product_name=product.product_name[:80],
                    given=given,
                ),
                id=heading_id,
                className="review-item__title",
            ),
            html.P(
                _(
                    "A model that never saw this product answers %(suggested)s (%(get)s); "
                    "its label %(given)s gets %(get2)s. Label quality %(quality)s (suspect "
                    "#%(rank)s).",
                    suggested=suggested,
                    get=percent(p.get(suggested, 0), 0),
                    given=given,
                    get2=percent(p.get(given, 0), 0),
                    quality=decimal(issue.quality, 2),
                    rank=issue.rank,
                )
            ),
            html.P(_("Its nearest catalogue products are labelled:"), className="mb-0"),
            html.Ul(neighbours, className="review-item__neighbours"),
            html.P(
                _(
                    "id %(uid)s · %(split)s split",
                    uid=uid,
                    split=product.split,
                ),
                className="result__meta",
            ),
            html.P(product_views(product, None)),
            html.P([_("Latest decision: "), review_said(item.review)]) if item.review else "",
            decision_group(
                "label",
                uid,
                given,
                _(
                    "Keep %(given)s",
                    given=given,
                ),
                ranked_others(given, p, CATEGORIES),
                heading_id,
            ),
        ],
    )
