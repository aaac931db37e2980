"""Links to a prediction's decision report: a PDF to hand on, or the same as a web page."""

from __future__ import annotations

from dash import html

from dashboard.components.aria import aria
from dashboard.web.i18n import _, language


def report_url(prediction_id: int, fmt: str = "pdf") -> str:
    """The report in the reader's language."""
    return f"/api/predictions/{prediction_id}/report?format={fmt}&lang={language()}"


def report_links(prediction_id: int) -> html.P:
    """ "Download the decision report (PDF) · open it as a web page", for one prediction."""
    return html.P(
        [
            html.A(
                _("Download the decision report (PDF)"),
                href=report_url(prediction_id),
                download=f"vitrine-decision-{prediction_id}.pdf",
            ),
            " · ",
            html.A(
                _("open the report as a web page"),
                href=report_url(prediction_id, "html"),
                target="_blank",
                rel="noopener",
            ),
        ],
        className="report-links",
    )


def report_cell_link(prediction_id: int) -> html.A:
    """A table cell's link: short to see, named in full for screen readers."""
    return html.A(
        "PDF",
        href=report_url(prediction_id),
        download=f"vitrine-decision-{prediction_id}.pdf",
        title=_(
            "Decision report of prediction %(prediction_id)s (PDF)",
            prediction_id=prediction_id,
        ),
        **aria(
            label=_(
                "Decision report of prediction %(prediction_id)s (PDF)",
                prediction_id=prediction_id,
            )
        ),
    )
