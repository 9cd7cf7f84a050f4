"""GET /api/status: the version the modules read to gate features (configurable)."""

from ..app import Family


class Status(Family):
    name = "status"

    def routes(self):
        return [("GET", "/api/status", "get_status")]

    def get_status(self, call):
        number = self.emulator.config["kibana_version"]
        return {
            "name": "kibana-emulator",
            "uuid": "5b2de169-2785-441b-ae8c-186a1936b17d",
            "version": {"number": number, "build_hash": "emulator", "build_number": 1,
                        "build_snapshot": False, "build_flavor": "traditional"},
            "status": {"overall": {"level": "available", "summary": "All services are available"}},
        }
