"""One module per check. Each registers itself with `@check(...)` from `checks.registry`; the
registry imports every module here, so adding a check is adding a file."""
