"""WSGI entry point for gunicorn: `gunicorn dashboard.wsgi:server`."""

from dashboard.app import create_app

server = create_app()
