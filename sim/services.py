"""The sample service catalog: six agencies, forty services, as `ServiceDefined` payloads.

Each row: code, name, delegated to the general network, branch, inquiry kinds, reach,
acceptance SLA (minutes), fulfilment SLA (hours), relative demand.
"""

from __future__ import annotations

from typing import Final

from contracts.catalog import InquiryRequirement, Reach, ServiceDefined

AGENCIES: Final = (
    "civil-registry",
    "tax-affairs",
    "judiciary",
    "social-security",
    "land-registry",
    "traffic-police",
)
# which agency answers which kind of inter-agency inquiry (estelam)
INQUIRY_AGENCY: Final = {
    "identity": "civil-registry",
    "tax": "tax-affairs",
    "criminal-record": "judiciary",
    "ownership": "land-registry",
}
OFFICE_PREFIX: Final = {
    "civil-registry": "CIV",
    "tax-affairs": "TAX",
    "judiciary": "JUD",
    "social-security": "SSO",
    "land-registry": "LND",
    "traffic-police": "POL",
}
BRANCH_OF_AGENCY: Final = {"judiciary": "judicial", "social-security": "social-security"}

# delegated: Y/N; branch: J judicial, S social-security, "" none;
# inquiries: I identity, T tax, C criminal-record, O ownership
Row = tuple[str, str, str, str, str, Reach, int, int, float]
_BRANCHES: Final = {"J": "judicial", "S": "social-security", "": None}
_KINDS: Final = {"I": "identity", "T": "tax", "C": "criminal-record", "O": "ownership"}

_ROWS: Final[dict[str, tuple[Row, ...]]] = {
    "civil-registry": (
        ("CIV-101", "Replacement national id card", "Y", "", "I", "province", 60, 72, 9),
        ("CIV-102", "Birth certificate issue", "Y", "", "I", "city", 60, 48, 6),
        ("CIV-103", "Birth certificate correction", "N", "", "I", "province", 120, 240, 1),
        ("CIV-104", "Marriage registration", "Y", "", "I", "city", 60, 48, 2),
        ("CIV-105", "Death registration", "Y", "", "", "city", 30, 24, 1),
        ("CIV-106", "Smart card first issue", "Y", "", "I", "national", 60, 168, 5),
        ("CIV-107", "Name change", "N", "", "IC", "province", 240, 720, 0.3),
    ),
    "tax-affairs": (
        ("TAX-201", "Tax clearance certificate", "Y", "", "T", "national", 60, 48, 6),
        ("TAX-202", "Business tax registration", "Y", "", "I", "province", 60, 72, 3),
        ("TAX-203", "VAT return correction", "N", "", "T", "province", 120, 168, 1),
        ("TAX-204", "Inheritance tax assessment", "N", "", "TO", "province", 240, 720, 0.5),
        ("TAX-205", "Tax file number issue", "Y", "", "I", "national", 60, 24, 3),
        ("TAX-206", "Property transfer tax receipt", "Y", "", "TO", "city", 60, 48, 2),
        ("TAX-207", "Tax objection filing", "N", "", "", "province", 120, 336, 0.4),
    ),
    "judiciary": (
        ("JUD-301", "Criminal record certificate", "Y", "J", "IC", "national", 60, 72, 7),
        ("JUD-302", "Lawsuit filing", "Y", "J", "I", "province", 60, 48, 5),
        ("JUD-303", "Notification delivery", "Y", "J", "", "city", 30, 24, 3),
        ("JUD-304", "Court hearing certificate", "N", "J", "I", "province", 120, 168, 0.6),
        ("JUD-305", "Enforcement order request", "N", "J", "IO", "province", 240, 336, 0.5),
        ("JUD-306", "Power of attorney verification", "Y", "", "I", "national", 60, 24, 2),
        ("JUD-307", "Bail registration", "N", "J", "C", "city", 60, 72, 0.4),
    ),
    "social-security": (
        ("SSO-401", "Insurance history statement", "Y", "S", "I", "national", 60, 24, 6),
        ("SSO-402", "Employer registration", "Y", "S", "IT", "province", 120, 168, 1.5),
        ("SSO-403", "Pension application", "N", "S", "I", "province", 240, 720, 1),
        ("SSO-404", "Unemployment benefit claim", "N", "S", "IT", "city", 120, 336, 1.5),
        ("SSO-405", "Insurance booklet renewal", "Y", "", "I", "national", 30, 24, 5),
        ("SSO-406", "Disability assessment request", "N", "S", "I", "province", 240, 720, 0.4),
    ),
    "land-registry": (
        ("LND-501", "Ownership deed copy", "Y", "", "O", "province", 60, 72, 3),
        ("LND-502", "Property transfer registration", "N", "", "IOT", "city", 240, 336, 1.5),
        ("LND-503", "Mortgage release", "N", "", "O", "province", 120, 168, 0.8),
        ("LND-504", "Single-sheet deed issue", "Y", "", "OI", "province", 120, 336, 1.2),
        ("LND-505", "Land survey request", "N", "", "O", "city", 240, 720, 0.5),
        ("LND-506", "Property status inquiry", "Y", "", "O", "national", 60, 24, 2),
    ),
    "traffic-police": (
        ("POL-601", "Driving licence renewal", "Y", "", "I", "national", 60, 72, 8),
        ("POL-602", "Vehicle ownership transfer", "Y", "", "IT", "province", 60, 48, 5),
        ("POL-603", "Traffic fines statement", "Y", "", "", "national", 30, 24, 7),
        ("POL-604", "Licence plate replacement", "Y", "", "I", "province", 60, 72, 2),
        ("POL-605", "Driving licence first issue", "N", "", "IC", "city", 120, 336, 1),
        ("POL-606", "Vehicle clearance certificate", "Y", "", "T", "province", 60, 48, 2),
        ("POL-607", "Fine objection", "N", "", "", "province", 120, 168, 0.6),
    ),
}


def _service(agency: str, row: Row) -> ServiceDefined:
    code, name, delegated, branch, letters, reach, accept_min, fulfil_h, _ = row
    kinds = [_KINDS[letter] for letter in letters]
    return ServiceDefined(
        service_code=code,
        agency=agency,
        name=name,
        delegated_to_general=delegated == "Y",
        branch=_BRANCHES[branch],
        inquiries=tuple(InquiryRequirement(kind=k, agency=INQUIRY_AGENCY[k]) for k in kinds),
        acceptance_sla_seconds=accept_min * 60,
        fulfilment_sla_seconds=fulfil_h * 3600,
        inquiry_sla_seconds=86400 if "ownership" not in kinds else 172800,
        reach=reach,
    )


def service_catalog() -> tuple[ServiceDefined, ...]:
    """Every sample service, in code order."""
    return tuple(_service(agency, row) for agency, rows in _ROWS.items() for row in rows)


def service_demand() -> dict[str, float]:
    """Relative daily demand of each service (weights for the request mix)."""
    return {row[0]: row[8] for rows in _ROWS.values() for row in rows}
