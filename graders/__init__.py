"""Grading harness for the Docker fundamentals exercise: static rubric checks, builds, probes and reports."""
