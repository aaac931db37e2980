"""The Celery app that runs background jobs (pixel-level SHAP maps) when Redis is configured.

With VITRINE_CACHE_URL=redis://... `vitrine worker` processes run the jobs, so any number of web
instances share the work; results go to the shared result cache. Without Redis each web worker
runs them in a child interpreter (`dashboard.web.pixel_jobs`).
"""

from __future__ import annotations

from celery import Celery

from dashboard.settings import Settings

EXTENSION_KEY = "vitrine_celery"


def celery_app(settings: Settings) -> Celery | None:
    if not settings.uses_redis:
        return None
    app = Celery("vitrine", broker=settings.cache_url)
    app.conf.update(
        task_acks_late=False,
        worker_prefetch_multiplier=1,  # long jobs: a worker takes one at a time
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        # A batch chunk (acks_late) whose worker died goes back to the queue after this long.
        broker_transport_options={"visibility_timeout": settings.batch_visibility_s},
    )
    return app
