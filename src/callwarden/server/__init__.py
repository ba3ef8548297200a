"""HTTP plumbing every domain's routes share: problem+json, limits, logs, auth."""
