"""Alerts: the care team hears of each incident's lifecycle (opened, escalated, reclassified, resolved,
withdrawn, reopened) on the configured channels, once, without being spammed by a flapping incident."""
