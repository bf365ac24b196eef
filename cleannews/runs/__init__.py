"""Runs over many inputs: batch and its worker pool, summaries, check and fix, explain."""
