"""Corpus I/O: reading files and streams (JSONL, WARC), records, writing outputs."""
