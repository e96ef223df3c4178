"""Benchmarks: `make bench` (python -m bench) writes bench/results.json and a table."""
