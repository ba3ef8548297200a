"""Small shared pieces every domain uses: errors, clock, ids, inputs, cursor pagination.

kit imports no domain module; `pagination` alone uses pydantic and sqlalchemy (see there).
"""
