# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The errors the client and the engine raise; the module runner turns them into fail_json."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class KibanaError(Exception):
    """Base of every error a user sees as a clean failure (never a traceback)."""

    def __init__(self, message, **details):
        super(KibanaError, self).__init__(message)
        self.message = message
        self.details = details


class KibanaApiError(KibanaError):
    """Kibana answered with an error status: method, path, status and Kibana's own message."""

    def __init__(self, method, path, status, kibana_message, body=None):
        message = "%s %s returned HTTP %s: %s" % (method, path, status, kibana_message)
        super(KibanaApiError, self).__init__(message, method=method, path=path, status=status,
                                             kibana_message=kibana_message)
        self.method = method
        self.path = path
        self.status = status
        self.kibana_message = kibana_message
        self.body = body


class KibanaTransportError(KibanaError):
    """No usable answer: connection refused, TLS failure, time-out, or a body that is not JSON."""

    def __init__(self, method, path, reason, maybe_sent=False):
        message = "%s %s failed: %s" % (method, path, reason)
        super(KibanaTransportError, self).__init__(message, method=method, path=path)
        self.method = method
        self.path = path
        # True when the request may have reached Kibana (a read error after sending).
        self.maybe_sent = maybe_sent


class KibanaAnswerError(KibanaError):
    """Kibana (or something in between: a proxy, a cache) answered, but not as its contract
    says: a body that is not JSON, empty where an object is due, of the wrong shape, or a
    status the API never answers. Nothing is concluded from such an answer."""

    def __init__(self, method, path, status, got, wanted, excerpt=None):
        message = ("%s %s failed: HTTP %s with %s%s, which is not an answer of Kibana's API (a "
                   "proxy or a cache in between?): nothing is concluded from it; check Kibana "
                   "and run again%s" % (method, path, status, got,
                                        " where %s was due" % wanted if wanted else "",
                                        " (the body begins: %s)" % excerpt if excerpt else ""))
        super(KibanaAnswerError, self).__init__(message, method=method, path=path, status=status)
        self.method = method
        self.path = path
        self.status = status


class ResourceError(KibanaError):
    """A problem with what the user asked for: bad input, ambiguity, a create-only change."""
