"""Kibana's two error body shapes (kibana-api/README.md §4)."""


REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
}


class KibanaError(Exception):
    """Raised by handlers; rendered as shape A (core/Boom) unless siem=True (shape B)."""

    def __init__(self, status, message, siem=False, extra=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.siem = siem
        self.extra = extra or {}

    def body(self):
        if self.siem:
            return {"message": self.message, "status_code": self.status}
        body = {"statusCode": self.status, "error": REASONS.get(self.status, "Error"),
                "message": self.message}
        body.update(self.extra)
        return body


def bad_request(message, siem=False):
    return KibanaError(400, message, siem=siem)


def forbidden(message):
    return KibanaError(403, message)


def not_found(message, siem=False):
    return KibanaError(404, message, siem=siem)


def conflict(message, siem=False):
    return KibanaError(409, message, siem=siem)


def saved_object_not_found(so_type, object_id):
    return KibanaError(404, f"Saved object [{so_type}/{object_id}] not found")


def saved_object_conflict(so_type, object_id):
    return KibanaError(409, f"Saved object [{so_type}/{object_id}] conflict")
