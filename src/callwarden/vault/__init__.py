"""The vault: a library for envelope-encrypted recordings in a blob store.

Values in, values out; no database, no web, no domain. `format`, `sealing` and `reading` seal
and open recordings (AES-256-GCM in authenticated chunks), `wrapping` and `keyring` protect the
data keys, `stores` hold the sealed bytes (filesystem, S3) and find orphans, `media` and
`frames` recognise the audio, `trimming` cuts it. `runtime` opens the configured vault from
the settings. The rows that say what each recording is belong to the recordings domain.
"""
