"""The kinds of incident that alert (CONTRACT section 5); 'other' is a trend that is shown but never alerted.
A module of its own so that the configuration can name them without importing the detectors."""
ALERT_KINDS = ("outage", "scam", "complaint")
