"""Where Dash background callbacks (SHAP at pixel level) run.

With VITRINE_CACHE_URL=redis://... they are Celery tasks that `vitrine worker` processes run, so
any number of web instances share the work and its results. Otherwise Dash's diskcache manager
runs each job in a child process of the web worker, with its state in instance/background.
"""

from __future__ import annotations

import diskcache
from celery import Celery
from dash import CeleryManager, DiskcacheManager

from dashboard.settings import Settings

# Finished results are kept an hour; the explanation itself is cached longer in Services.results.
RESULT_EXPIRY_S = 3600


def celery_app(settings: Settings) -> Celery:
    app = Celery("vitrine", broker=settings.cache_url, backend=settings.cache_url)
    app.conf.update(
        result_expires=RESULT_EXPIRY_S,
        task_acks_late=False,
        worker_prefetch_multiplier=1,  # long jobs: a worker takes one at a time
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
    )
    return app


def background_manager(settings: Settings) -> CeleryManager | DiskcacheManager:
    if settings.uses_redis:
        return CeleryManager(celery_app(settings), expire=RESULT_EXPIRY_S)
    folder = settings.instance_dir / "background"
    folder.mkdir(parents=True, exist_ok=True)
    return DiskcacheManager(diskcache.Cache(str(folder)), expire=RESULT_EXPIRY_S)
