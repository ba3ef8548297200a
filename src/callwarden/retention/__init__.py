"""Retention: how long each recording must be kept (later: holds, disposal, certificates)."""
