"""A Kibana emulator for tests: a real HTTP server reproducing the contract in shared/kibana-api."""
