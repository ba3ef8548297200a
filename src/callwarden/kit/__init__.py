"""Small shared pieces every domain uses: errors, clock, ids, pagination, crypto primitives."""
