"""Inbox metrics: conversation answers, response times, SLA, at several grains (CONTRACT section 6)."""
