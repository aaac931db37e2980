"""The app factory: Flask server, Dash with Pages and the /api blueprint, from one Settings."""

from __future__ import annotations

import html
import logging
import secrets
from pathlib import Path

import dash
from dash import Dash
from flask import Flask, request

from dashboard import api
from dashboard.components import charts, shell
from dashboard.pages import metered_callbacks, page_roles, register_all
from dashboard.services.state import Services
from dashboard.settings import Settings
from dashboard.web import (
    auth,
    background,
    batch_tasks,
    callback_requests,
    drift_schedule,
    i18n,
    login,
    metrics,
    pixel_jobs,
    plotlyjs,
    ratelimits,
    requestlog,
    security,
)
from dashboard.web.context import install
from dashboard.web.resources import assets_dir

log = logging.getLogger(__name__)

# `lang` and the page title are in the HTML itself, for screen readers and search engines. Dash's
# scripts sit in a plain div: its default <footer> was a second contentinfo landmark.
INDEX_STRING = """<!DOCTYPE html>
<html lang="en">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        {%app_entry%}
        <div class="dash-scripts">
            {%config%}
            {%scripts%}
            {%renderer%}
        </div>
    </body>
</html>"""


HTML_TAG = '<html lang="en">'


class VitrineDash(Dash):
    """Dash whose first HTML already carries the page's own title and the reader's language,
    not only after load."""

    # Dash names every placeholder; they are passed through unchanged but the title.
    def interpolate_index(self, **kwargs: str) -> str:  # type: ignore[override]
        title = page_title(request.path if request else "/", default=self.title)
        kwargs["title"] = html.escape(title)
        page = super().interpolate_index(**kwargs)
        return page.replace(HTML_TAG, f'<html lang="{i18n.language()}">', 1)


def page_title(path: str, *, default: str) -> str:
    for page in dash.page_registry.values():
        if page["relative_path"] == path:
            title = page["title"]
            return str(title() if callable(title) else title)
    return default


def create_app(settings: Settings | None = None) -> Flask:
    """Build the whole web application from `settings` (read from the environment if None)."""
    settings = settings or Settings()
    server = Flask("vitrine", instance_path=str(settings.instance_dir.resolve()))
    server.config.update(
        SECRET_KEY=settings.secret_key or _instance_secret(settings.instance_dir),
        # JSON bodies carry the image in base64, a third larger than the file itself.
        MAX_CONTENT_LENGTH=settings.max_upload_bytes * 4 // 3 + 1024 * 1024,
        JSON_SORT_KEYS=False,
    )
    services = Services.from_settings(settings)
    install(server, services)
    i18n.install(server)
    page_uploads = int(settings.batch_page_mb * 1024 * 1024) * 4 // 3 + 1024 * 1024

    @server.before_request
    def _batch_page_uploads() -> None:
        # The Batch page sends a CSV and a ZIP of images, base64, in a Dash callback's JSON.
        if request.path == "/_dash-update-component":
            request.max_content_length = max(server.config["MAX_CONTENT_LENGTH"], page_uploads)

    requestlog.install(server)
    metrics.install(server)
    routes = api.install(server)
    auth.install(server, auth.Declared(pages=page_roles(), api=routes.roles()))
    login.install(server)
    plotlyjs.install(server)

    celery = background.celery_app(settings)
    server.extensions[background.EXTENSION_KEY] = celery
    pixel_jobs.install(server, celery)
    drift_schedule.install(server, celery)
    batch_tasks.install(server, celery)
    app = VitrineDash(
        "vitrine",
        server=server,  # type: ignore[arg-type]  # Dash's hint omits a Flask instance
        use_pages=True,
        pages_folder="",
        assets_folder=str(assets_dir()),
        assets_ignore=plotlyjs.ASSETS_IGNORE,
        serve_locally=True,
        update_title=None,  # type: ignore[arg-type]  # None (no "Updating...") is documented
        title="Vitrine",
        index_string=INDEX_STRING,
        # Page layouts read the database; they are not evaluated up front to validate ids.
        suppress_callback_exceptions=True,
    )
    callback_requests.install(server)
    register_all(app)
    app.layout = shell.layout
    shell.register_callbacks(app)
    charts.register_callbacks(app)
    security.install_headers(server)
    ratelimits.trust_proxies(server, settings)
    ratelimits.install(server, settings, metered_callbacks(), login.refused_page)
    server.extensions["dash"] = app
    return server


def _instance_secret(instance_dir: Path) -> str:
    """A secret generated once per instance, so every worker and restart shares it."""
    path = instance_dir / "secret_key"
    if not path.exists():
        instance_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
