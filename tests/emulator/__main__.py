"""python -m tests.emulator --host 127.0.0.1 --port 5601 [--tls-cert C --tls-key K] [--lifetime S]"""

import argparse
import sys
import threading

from .app import API_KEY, BEARER_TOKEN, DEFAULT_KIBANA_VERSION, PASSWORD, USERNAME
from .server import EmulatorServer

DESCRIPTION = f"""A Kibana emulator for the stackops.kibana tests: alerting rules, connectors,
Fleet agent policies, Osquery packs, exception lists, spaces and /api/status, following
shared/kibana-api. Not Kibana: state lives in memory and is lost on exit.

Credentials it accepts:
  basic    {USERNAME} / {PASSWORD}
  api key  Authorization: ApiKey {API_KEY}
  bearer   Authorization: Bearer {BEARER_TOKEN}

Test-only API under /_emulator/ (no auth; not part of Kibana):
  GET    /_emulator/requests  the request log, oldest first: [{{method, path, query, body, status}}]
                              (path as received, /s/<space> included; no headers are kept)
  DELETE /_emulator/requests  clear the log
  POST   /_emulator/reset     forget every object, space and fault, and clear the log
  POST   /_emulator/faults    {{"method": "GET"|"*", "path": REGEX, "count": N (default 1),
                              "skip": N (let the first N matching requests through), then any of
                              "status": 503, "body": {{...}}, "headers": {{...}}, "delay_ms": 500,
                              "drop": true (close without answering) | "after" (handle, then
                              close), "malformed": true (an HTML page instead of JSON),
                              "kind": one of
                                truncated_json  the real answer cut in half (handled first)
                                invalid_json    200 with a body that is not JSON
                                empty_body      200 with no body
                                json_list       200 [{{"unexpected": "shape"}}]
                                json_string     200 "unexpected"
                                json_object     200 {{"unexpected": "shape"}}
                                html            200 with an HTML page
                                reset           the connection aborted with a TCP RST
                                late            handled, answered after delay_ms (default 2000)
                              ("status"/"body" override a kind's defaults), "handle": true|false
                              (whether Kibana does the work before the fault spoils the answer;
                              default: true for truncated_json and late only)}}
  GET    /_emulator/faults    the pending faults (count and skip as they stand)
  DELETE /_emulator/faults    forget every pending fault
  GET|POST /_emulator/config  {{"latency_ms": 20, "kibana_version": "9.3.0"}}
  GET    /_emulator/state     every stored object
  POST   /_emulator/users     {{"username": U, "password": P, "spaces": ["ops"]}}: a basic-auth
                              user with every Kibana privilege in those spaces only (403 elsewhere)"""


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.emulator", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (loopback)")
    parser.add_argument("--port", type=int, default=5601, help="port (0 picks a free one)")
    parser.add_argument("--tls-cert", help="PEM certificate: serve HTTPS")
    parser.add_argument("--tls-key", help="PEM private key for --tls-cert")
    parser.add_argument("--lifetime", type=float, default=0,
                        help="stop by itself after this many seconds (0: run until killed)")
    parser.add_argument("--kibana-version", default=DEFAULT_KIBANA_VERSION,
                        help="version reported by GET /api/status (default %(default)s)")
    args = parser.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    server = EmulatorServer(args.host, args.port, args.tls_cert, args.tls_key,
                            kibana_version=args.kibana_version)
    print(f"Kibana emulator listening on {server.url}", flush=True)
    if args.lifetime:
        timer = threading.Timer(args.lifetime, server.server.shutdown)
        timer.daemon = True
        timer.start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
