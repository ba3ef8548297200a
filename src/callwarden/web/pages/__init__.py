"""One module per console area; `web/console.py` mounts every module found here."""
