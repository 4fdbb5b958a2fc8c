"""Benchmarks: a labelled synthetic corpus and phiguard vs stock Presidio."""
