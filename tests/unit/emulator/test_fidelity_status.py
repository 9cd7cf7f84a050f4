"""GET /api/status, which the modules read for the version (plugins/module_utils/_version.py),
against Kibana's status API integration test "kibana status api: returns version, status and
metrics fields" (a 7.x copy: the only one in the stored sources; the path of that copy is not
recorded). Row ST1 of tests/emulator/FIDELITY.md."""


def test_status_answers_the_version_fields(kibana):
    # ST1 name and uuid strings; version.number and build_hash strings, build_number a number;
    # status.overall an object. (The 7.x test's `state: green` is the v7 format; 8.x answers
    # `level`, which the emulator does: not asserted here.)
    kibana.config(kibana_version="8.19.3")
    body = kibana.api("GET", "/api/status").json()
    assert isinstance(body["name"], str) and isinstance(body["uuid"], str)
    assert body["version"]["number"] == "8.19.3"
    assert isinstance(body["version"]["build_hash"], str)
    assert isinstance(body["version"]["build_number"], int)
    assert isinstance(body["status"]["overall"], dict)
