"""callwarden: call-recording governance that makes a recording policy executable."""

__version__ = "0.1.0"
