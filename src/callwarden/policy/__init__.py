"""The organisation's recording policy: document schema, validation against the law, versions."""
