"""SQLAlchemy models, one file per aggregate. Importing this package registers every table."""

from callwarden.models.audit import AuditEvent, AuditHead
from callwarden.models.base import Base
from callwarden.models.identity import ApiToken, Team, User

__all__ = ["ApiToken", "AuditEvent", "AuditHead", "Base", "Team", "User"]
