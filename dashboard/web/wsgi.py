"""WSGI entry point for gunicorn: `gunicorn -c gunicorn.conf.py dashboard.web.wsgi:server`.

With gunicorn's preload (gunicorn.conf.py), this module runs once in the master: the ONNX
sessions of the active models are loaded here and shared copy-on-write by the forked workers.
"""

from dashboard.services.prediction import preload_models
from dashboard.web.app import create_app
from dashboard.web.context import services

server = create_app()
preload_models(services(server))
