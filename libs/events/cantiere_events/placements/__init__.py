"""Events the consortium's placements service publishes (phases 2 to 7 of the process).

Events about a person are published with the referring municipality as
``partner``; events about a host, with the consortium. They carry pseudonymous
ids, codes, dates, hours and cents only.
"""

from cantiere_events.base import Event
from cantiere_events.placements.agreement import (
    AgreementSigned,
    MandatoryNoticeFiled,
    TrainingProjectApproved,
    TrainingProjectValidated,
)
from cantiere_events.placements.base import HostEvent, InternshipEvent, PlacementEvent, PlacementsEvent
from cantiere_events.placements.completion import (
    CaseClosed,
    CompetenceAttestationIssued,
    FollowUpRecorded,
    InternshipCompleted,
)
from cantiere_events.placements.hosts import HostRegistered, HostReinstated, HostSuspended, HostTutorAssigned
from cantiere_events.placements.intake import IntakeInterviewHeld, ReferralAccepted, ReferralDeclined, SkillsAssessed
from cantiere_events.placements.matching import (
    PlacementAcceptedByHost,
    PlacementAcceptedByPerson,
    PlacementProposed,
    PlacementRefused,
    PlacementRejected,
    PlacementSafetyCleared,
)
from cantiere_events.placements.running import (
    AllowanceCalculated,
    AllowancePaid,
    AttendanceMonthClosed,
    InternshipExtended,
    InternshipInterrupted,
    InternshipResumed,
    InternshipStarted,
    InternshipSuspended,
    SafetyIncidentFlagged,
    TutorVisitLogged,
)

EVENTS: tuple[type[Event], ...] = (
    # intake
    ReferralAccepted,
    ReferralDeclined,
    IntakeInterviewHeld,
    SkillsAssessed,
    # hosts and matching
    HostRegistered,
    HostTutorAssigned,
    HostSuspended,
    HostReinstated,
    PlacementProposed,
    PlacementSafetyCleared,
    PlacementRefused,
    PlacementAcceptedByPerson,
    PlacementAcceptedByHost,
    PlacementRejected,
    # agreement
    AgreementSigned,
    TrainingProjectApproved,
    TrainingProjectValidated,
    MandatoryNoticeFiled,
    # running
    InternshipStarted,
    AttendanceMonthClosed,
    AllowanceCalculated,
    AllowancePaid,
    TutorVisitLogged,
    InternshipSuspended,
    InternshipResumed,
    InternshipExtended,
    InternshipInterrupted,
    SafetyIncidentFlagged,
    # completion and follow-up
    InternshipCompleted,
    CompetenceAttestationIssued,
    FollowUpRecorded,
    CaseClosed,
)
"""The placements service's contract events, in process order."""

__all__ = [
    "EVENTS",
    "AgreementSigned",
    "AllowanceCalculated",
    "AllowancePaid",
    "AttendanceMonthClosed",
    "CaseClosed",
    "CompetenceAttestationIssued",
    "FollowUpRecorded",
    "HostEvent",
    "HostRegistered",
    "HostReinstated",
    "HostSuspended",
    "HostTutorAssigned",
    "IntakeInterviewHeld",
    "InternshipCompleted",
    "InternshipEvent",
    "InternshipExtended",
    "InternshipInterrupted",
    "InternshipResumed",
    "InternshipStarted",
    "InternshipSuspended",
    "MandatoryNoticeFiled",
    "PlacementAcceptedByHost",
    "PlacementAcceptedByPerson",
    "PlacementEvent",
    "PlacementProposed",
    "PlacementRefused",
    "PlacementRejected",
    "PlacementSafetyCleared",
    "PlacementsEvent",
    "ReferralAccepted",
    "ReferralDeclined",
    "SafetyIncidentFlagged",
    "SkillsAssessed",
    "TrainingProjectApproved",
    "TrainingProjectValidated",
    "TutorVisitLogged",
]
