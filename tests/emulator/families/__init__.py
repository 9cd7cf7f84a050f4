"""The resource families the emulator serves. Each module defines one Family subclass."""

from .alerting_rules import AlertingRules
from .connectors import Connectors
from .exception_lists import ExceptionLists
from .fleet_agent_policies import FleetAgentPolicies
from .fleet_epm import FleetEpm
from .fleet_package_policies import FleetPackagePolicies
from .osquery_packs import OsqueryPacks
from .osquery_saved_queries import OsquerySavedQueries
from .spaces import Spaces
from .status import Status

ALL = [Status, Spaces, Connectors, AlertingRules, FleetAgentPolicies, FleetEpm, FleetPackagePolicies,
       OsqueryPacks, OsquerySavedQueries, ExceptionLists]
