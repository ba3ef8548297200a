"""SQLAlchemy models, one file per aggregate. Importing this package registers every table."""

from callwarden.models.audit import AuditEvent, AuditHead
from callwarden.models.base import Base
from callwarden.models.calls import Call, CallEvent, CallParty, CallPause
from callwarden.models.cases import Case, CaseEntry, RecordingRestriction, case_label
from callwarden.models.cdr import CdrRecord
from callwarden.models.checks import CheckFinding, CheckRun
from callwarden.models.decision import DecisionRecord
from callwarden.models.disposal import Disposal, RetentionSweep
from callwarden.models.findings import Finding, ScriptAudio
from callwarden.models.identity import ApiToken, Team, User
from callwarden.models.mail import OutboxMail
from callwarden.models.policy import PolicyVersion
from callwarden.models.provider import ProviderRecording
from callwarden.models.qa import QaEvaluation, QaPlan, QaScorecard
from callwarden.models.recordings import DataKey, Recording, RecordingAssignment, RecordingParty
from callwarden.models.retention import LegalHold
from callwarden.models.subjects import SubjectRequest
from callwarden.models.training import (
    PolicyAcknowledgement,
    TrainingAssignment,
    TrainingAttempt,
    TrainingCourseVersion,
)

__all__ = [
    "ApiToken",
    "AuditEvent",
    "AuditHead",
    "Base",
    "Call",
    "CallEvent",
    "CallParty",
    "CallPause",
    "Case",
    "CaseEntry",
    "CdrRecord",
    "CheckFinding",
    "CheckRun",
    "DataKey",
    "DecisionRecord",
    "Disposal",
    "Finding",
    "LegalHold",
    "OutboxMail",
    "PolicyAcknowledgement",
    "PolicyVersion",
    "ProviderRecording",
    "QaEvaluation",
    "QaPlan",
    "QaScorecard",
    "Recording",
    "RecordingAssignment",
    "RecordingParty",
    "RecordingRestriction",
    "RetentionSweep",
    "ScriptAudio",
    "SubjectRequest",
    "Team",
    "TrainingAssignment",
    "TrainingAttempt",
    "TrainingCourseVersion",
    "User",
    "case_label",
]
