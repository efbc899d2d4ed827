"""Ingest: file import and per-source pulls into `messages`."""
