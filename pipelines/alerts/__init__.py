"""Alerts: the care team hears of each incident's lifecycle (opened, escalated, resolved, withdrawn,
reopened) on the configured channels, once, without being spammed by a flapping incident."""
