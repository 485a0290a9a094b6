"""Small typed Kafka clients that intake systems, offices and the regulator can embed.

Each client validates locally against `contracts` before anything leaves the process
(a bad payload raises `ContractError` with its reason code) and publishes idempotently:
event ids are derived from business keys, so a retry is a duplicate the router recognises.
"""

from clients.intake import IntakeClient
from clients.office import AssignmentRef, OfficeClient
from clients.regulator import CatalogClient, RegulatorClient

__all__ = ["AssignmentRef", "CatalogClient", "IntakeClient", "OfficeClient", "RegulatorClient"]
