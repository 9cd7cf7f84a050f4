"""The spaces API (/api/spaces/space) so that tests create the spaces they use."""

import re

from ..app import Family
from ..errors import KibanaError, bad_request
from ..schema import Field, check_object

SPACE_ID = re.compile(r"^[a-z0-9_\-]+$")
SPACE_FIELDS = {
    "id": Field("string", required=True),
    "name": Field("string", required=True),
    "description": Field("string"),
    "color": Field("string"),
    "initials": Field("string"),
    "imageUrl": Field("string"),
    "disabledFeatures": Field("array", default=list),
    "solution": Field("string"),
    "_reserved": Field("boolean"),
}


class Spaces(Family):
    name = "spaces"

    def routes(self):
        return [
            ("GET", "/api/spaces/space", "list_spaces"),
            ("POST", "/api/spaces/space", "create_space"),
            ("GET", "/api/spaces/space/<space_id>", "get_space"),
            ("PUT", "/api/spaces/space/<space_id>", "update_space"),
            ("DELETE", "/api/spaces/space/<space_id>", "delete_space"),
        ]

    @property
    def spaces(self):
        return self.emulator.spaces

    def list_spaces(self, call):
        return list(self.spaces.values())

    def create_space(self, call):
        body = check_object(call.body, SPACE_FIELDS)
        if not SPACE_ID.match(body["id"]):
            raise bad_request("[request body.id]: must be lower case, a-z, 0-9, '_', and '-' are allowed")
        if body["id"] in self.spaces:
            raise KibanaError(409, f"A space with the identifier {body['id']} already exists.")
        self.spaces[body["id"]] = body
        return body

    def get_space(self, call):
        space = self.spaces.get(call.args["space_id"])
        if space is None:
            raise KibanaError(404, "Not Found")
        return space

    def update_space(self, call):
        body = check_object(call.body, SPACE_FIELDS)
        if call.args["space_id"] not in self.spaces:
            raise KibanaError(404, "Not Found")
        self.spaces[call.args["space_id"]] = body
        return body

    def delete_space(self, call):
        space_id = call.args["space_id"]
        if space_id not in self.spaces:
            raise KibanaError(404, "Not Found")
        if space_id == "default":
            raise bad_request("The default space cannot be deleted because it is reserved.")
        del self.spaces[space_id]
        for family in self.emulator.families:
            forget = getattr(family, "forget_space", None)
            if forget:
                forget(space_id)
        return 204, None
