"""Benchmarks: LoCoMo retrieval and QA, and speed on synthetic corpora."""
