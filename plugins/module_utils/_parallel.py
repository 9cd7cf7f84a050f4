# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bounded concurrency for independent writes (exception items, the objects of a set): every
job runs, at most `workers` at once, and each job's result or error is kept, so a caller can
report every single failure with the object it concerns and nothing is lost silently."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from concurrent.futures import ThreadPoolExecutor

DEFAULT_WORKERS = 8


class Outcome(object):
    """What one job gave: `value` when it returned, `error` (the exception) when it raised."""

    __slots__ = ("key", "value", "error")

    def __init__(self, key, value=None, error=None):
        self.key = key
        self.value = value
        self.error = error

    @property
    def ok(self):
        return self.error is None


def run_bounded(jobs, workers=DEFAULT_WORKERS):
    """Run `jobs`, a list of (key, callable) pairs, with at most `workers` running at once.
    Return one Outcome per job, in the order of `jobs`. A job that raises does not stop the
    others: its exception is kept in its Outcome. BaseExceptions other than Exception
    (KeyboardInterrupt, SystemExit) are not caught."""
    jobs = list(jobs)
    if not jobs:
        return []
    if workers <= 1 or len(jobs) == 1:
        return [_run_one(key, job) for key, job in jobs]
    with ThreadPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
        futures = [pool.submit(_run_one, key, job) for key, job in jobs]
        return [future.result() for future in futures]


def _run_one(key, job):
    try:
        return Outcome(key, value=job())
    except Exception as err:  # pylint: disable=broad-exception-caught
        return Outcome(key, error=err)
