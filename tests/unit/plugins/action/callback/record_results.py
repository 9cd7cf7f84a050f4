# -*- coding: utf-8 -*-
"""A test-only callback: every task result, as the default callback would show it at this
verbosity, one JSON object a line in $RECORD_RESULTS_PATH (tests/unit/plugins/action)."""

from __future__ import absolute_import, annotations, division, print_function
__metaclass__ = type

import json
import os

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: record_results
type: notification
short_description: record task results for the parity tests
description: [Writes each task result to the file named by RECORD_RESULTS_PATH.]
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "notification"
    CALLBACK_NAME = "record_results"
    CALLBACK_NEEDS_ENABLED = True

    def _record(self, status, result):
        shown = json.loads(self._dump_results(result._result, indent=None))
        with open(os.environ["RECORD_RESULTS_PATH"], "a", encoding="utf-8") as out:
            out.write(json.dumps({"task": result._task.get_name(), "status": status,
                                  "result": shown}, sort_keys=True) + "\n")

    def v2_runner_on_ok(self, result):
        self._record("ok", result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record("failed", result)

    def v2_runner_on_skipped(self, result):
        self._record("skipped", result)

    def v2_runner_item_on_ok(self, result):
        self._record("item ok", result)

    def v2_runner_item_on_failed(self, result):
        self._record("item failed", result)
