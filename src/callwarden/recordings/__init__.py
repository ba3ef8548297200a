"""Recordings, the product's central record: intake, search, access, playback, integrity.

The sealed bytes live in the vault (`callwarden.vault`, a library that knows no database); this
domain keeps the rows that say what each recording is, whose it is, who may hear it, and what
happened to it.
"""
