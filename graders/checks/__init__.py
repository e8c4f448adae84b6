"""Checks: one small module each under static/ and dynamic/; the explicit list is registry.py."""
