"""Grading harness for Dockerfile exercises: static rubric checks, builds, probes and reports."""

__version__ = "0.5.0"
