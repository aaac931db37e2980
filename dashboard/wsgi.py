"""WSGI entry point for gunicorn: `gunicorn -c gunicorn.conf.py dashboard.wsgi:server`.

With gunicorn's preload (gunicorn.conf.py), this module runs once in the master: the ONNX
sessions of the active models are loaded here and shared copy-on-write by the forked workers.
"""

from dashboard.app import create_app
from dashboard.prediction import preload_models
from dashboard.services import services

server = create_app()
preload_models(services(server))
