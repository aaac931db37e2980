"""Web plumbing: the app factory, access control, security headers, request log, metrics, caching
and the WSGI entry point. Pages (`dashboard.pages`) and the REST API (`dashboard.api`) sit on top.
"""
