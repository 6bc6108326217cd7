"""Benchmarks of the mock: `make bench` (bench.run) and `make bench-peers` (bench.peers). See README.md."""
