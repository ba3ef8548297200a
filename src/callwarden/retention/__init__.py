"""Retention: how long each recording must be kept, and the legal holds that keep it longer
(later: disposal, certificates)."""
