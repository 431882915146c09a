"""Benchmarks of the service, run as scripts (see the README, Benchmark)."""
