"""The vault: envelope-encrypted recordings in a blob store.

Pure core only here (no database, no web): `format`/`reading` seal and open recordings,
`keyring`/`wrapping` protect data keys, `stores` hold the sealed bytes.
"""
