"""Start the collection's Kibana emulator in the background for an integration target.

ansible-test runs targets from a temporary copy, so the emulator is found through the
collection's own location (ANSIBLE_COLLECTIONS_PATH); prints the emulator's URL and PID.
Arguments: PORT LIFETIME LOG [KIBANA_VERSION]."""

import os
import subprocess
import sys
import time
import urllib.request


def collection_root():
    for base in os.environ.get("ANSIBLE_COLLECTIONS_PATH", "").split(os.pathsep):
        for candidate in (os.path.join(base, "ansible_collections", "stackops", "kibana"),
                          os.path.join(base, "stackops", "kibana")):
            if os.path.isfile(os.path.join(candidate, "tests", "emulator", "__main__.py")):
                return candidate
    sys.exit("stackops.kibana with tests/emulator not found in ANSIBLE_COLLECTIONS_PATH")


def main():
    port, lifetime, log = sys.argv[1], sys.argv[2], sys.argv[3]
    command = [sys.executable, "-m", "tests.emulator", "--port", port, "--lifetime", lifetime]
    if len(sys.argv) > 4 and sys.argv[4]:  # the Kibana version it plays (default: the newest)
        command += ["--kibana-version", sys.argv[4]]
    with open(log, "w") as out:
        process = subprocess.Popen(command, cwd=collection_root(), stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    url = "http://127.0.0.1:%s" % port
    for _attempt in range(100):
        try:
            urllib.request.urlopen(url + "/_emulator/config", timeout=1)
            print("%s %d" % (url, process.pid))
            return
        except OSError:
            time.sleep(0.1)
    sys.exit("the emulator did not start, see %s" % log)


if __name__ == "__main__":
    main()
