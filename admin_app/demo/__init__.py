"""Demo data by domain, for `make run` only."""
