"""Reusable, accessible building blocks for the pages."""
