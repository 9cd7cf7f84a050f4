"""Serving the emulator on loopback with werkzeug's threaded server (optionally TLS)."""

import threading

from werkzeug.serving import WSGIRequestHandler, make_server

from .app import Emulator


class _Handler(WSGIRequestHandler):
    """Exposes the client socket so that a fault can drop the connection."""

    def make_environ(self):
        environ = super().make_environ()
        environ["emulator.connection"] = self.connection
        return environ

    def handle(self):
        try:
            super().handle()
        except (OSError, ValueError):
            if self.connection.fileno() != -1:
                raise
            # the app aborted this connection (fault kind "reset"): nothing more to read

    def log_request(self, *args, **kwargs):  # quiet: the emulator keeps its own request log
        pass


class EmulatorServer:
    """A running emulator: `url`, `emulator` (the app and its state), `stop()`."""

    def __init__(self, host="127.0.0.1", port=0, tls_cert=None, tls_key=None, emulator=None,
                 kibana_version=None):
        kwargs = {"kibana_version": kibana_version} if kibana_version else {}
        self.emulator = emulator or Emulator(**kwargs)
        ssl_context = (tls_cert, tls_key) if tls_cert else None
        self.server = make_server(host, port, self.emulator, threaded=True,
                                  request_handler=_Handler, ssl_context=ssl_context)
        self.server.daemon_threads = True
        scheme = "https" if ssl_context else "http"
        self.url = f"{scheme}://{host}:{self.server.server_port}"
        self.thread = None

    def start(self):
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def serve_forever(self):
        self.server.serve_forever()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
