"""A file field made of dcc.Upload that the keyboard and screen readers can use: a visible
label, a hint, a box that is one named button (assets/20-upload-a11y.js), and a polite line
that says which file was chosen."""

from __future__ import annotations

from dash import dcc, html

from dashboard.components.aria import aria, data
from dashboard.web.i18n import _


def upload_field(
    upload_id: str, label: str, hint: str, *, accept: str, what: str, status_id: str
) -> html.Div:
    """`what` names the file in the box's words ("a photo", "the CSV")."""
    return html.Div(
        className="field",
        children=[
            html.Span(label, id=f"{upload_id}-label", className="field__label"),
            html.P(hint, id=f"{upload_id}-hint", className="field__hint"),
            html.Div(
                className="upload-zone",
                **data(label_id=f"{upload_id}-label", hint_id=f"{upload_id}-hint"),
                children=dcc.Upload(
                    id=upload_id,
                    accept=accept,
                    multiple=False,
                    className="upload-box",
                    className_active="upload-box upload-box--active",
                    children=html.Div(
                        [
                            html.Span(
                                _(
                                    "Drag and drop %(what)s here, or ",
                                    what=what,
                                )
                            ),
                            html.Span(_("choose a file"), className="upload-box__link"),
                        ],
                        className="upload-zone__button",
                    ),
                ),
            ),
            html.P(id=status_id, className="field__hint", **aria(live="polite")),
        ],
    )
