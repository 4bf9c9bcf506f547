"""Throughput profiles: the format, its loader, and the bundled reference profiles."""
