"""Output formats; each reads the results and nothing else."""
