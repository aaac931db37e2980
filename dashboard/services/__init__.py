"""Capabilities, one module per capability, named as its page, API route and `ml` module are.

Services take a `Services` (settings, database) and never a request: the web layer, the CLI and
the tests call them alike.
"""
