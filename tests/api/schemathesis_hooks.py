"""What the fuzz run (``test_schema_fuzz.py``) allows beyond the schema, each rule with why.

schemathesis's ``positive_data_acceptance`` expects every request the schema allows to be
accepted. A few rules are not the schema's to state: whether a code names a row that exists
(and that the caller sees), what a spreadsheet holds, and the rules that relate one value to
another or to what is stored. Each operation's description, or the field's, states them; a
400 that is one of them is allowed here, and only when every message in the answer is. Any
other refusal of schema-valid data still fails the run.

Loaded by schemathesis through ``SCHEMATHESIS_HOOKS=tests.api.schemathesis_hooks``; the run
replaces the built-in check with the one below (``--exclude-checks positive_data_acceptance``).
"""

from __future__ import annotations

import json
import re

import schemathesis
from schemathesis.specs.openapi.checks import positive_data_acceptance

# (pattern of a message, why the schema cannot state the rule)
STATED_RULES: list[tuple[str, str]] = [
    # References: a code, username or id is schema-valid whether or not a row has it.
    (r"^Nothing you see has the code or id “.*”\.$", "an unknown or unseen reference"),
    (r"^Invalid pk “.*” - object does not exist\.$", "an unknown id"),
    (r'^Invalid pk ".*" - object does not exist\.$', "an unknown id"),
    (r"^Object with \w+=.* does not exist\.$", "an unknown code or username"),
    (r"^Select a valid choice\. .* is not one of the available choices\.$", "an unknown id"),
    (r"^Select a valid choice\. That choice is not one of the available choices\.$", "unknown"),
    (r"^You do not see th(at|is) .*\.$", "a reference outside what the caller sees"),
    (r"^There is no KPI with the code “.*”\.$", "an unknown KPI in a bulk item"),
    # What exists: a code, or a person's role in a unit, taken already (alone, this is 409).
    (r"^.+ with this .+ already exists\.$", "a code taken already"),
    (r"^This person already has a role in this unit\.$", "a role held already"),
    # Rules between two values, or between a value and today or the site's settings.
    (r"^The due date cannot be before the start date\.$", "two dates of one body"),
    (r"^(Higher|Lower) is better here, so the critical threshold .*$", "thresholds and direction"),
    (r"^That period has not started yet\.$", "a period after today"),
    (r"^A check-in cannot be in the future\.$", "a check-in's time after now"),
    (r"^Webhooks may only be sent to .* on this site\.$", "the site's allowed targets"),
    (r"^This cycle is closed: choose an open one\.$", "a closed cycle"),
    (r"^A key result stays with its objective\.$", "what is stored"),
    (r"^A node cannot be made a descendant of itself\.$", "the tree as stored"),
    (r"^This unit already has a copy of that objective\.$", "a copy that exists already"),
    (r"^A cycle must end after it starts\.$", "two dates of one body"),
    (r"^This cycle must lie within .*\.$", "a cycle's dates and its parent's"),
    (r"^An? .+ cannot sit within an? .+\.$", "a cycle's kind and its parent's"),
    (r"^An increase or decrease key result needs a start value\.$", "a value a kind asks"),
    (r"^An objective cannot align to one of its own descendants\.$", "the tree as stored"),
    # Django's URL check also holds a host to DNS's limits (63 characters a label, …).
    (r"^Enter a valid URL\.$", "a host beyond DNS's limits"),
    (r"^To (de|in)crease, the target must be (below|above) the start value\.$", "two values"),
    (r"^The target must differ from the start value\.$", "two values"),
    (r"^With confidence 3 or less, say what blocks this key result\.$", "a note a value asks"),
    (r"^This value leaves the key result off track: say what blocks it\.$", "a note a value asks"),
    (r"^.* is a loopback, private or reserved address: webhooks go only to .*$", "settings"),
    # A bound the schema states for a JSON number, which the digits of a string cannot carry.
    (r"^The weight must be greater than zero\.$", "a bound on digits sent as a string"),
    (r"^Ensure this value is (greater|less) than or equal to .*\.$", "a bound on a string"),
    # The spreadsheet import: the file's rows are its content, not the request's shape.
    (r"^<the import's plan, naming rows and columns>$", "a spreadsheet's content"),
]
RULES = [(re.compile(pattern, re.S), why) for pattern, why in STATED_RULES]


def _messages(body) -> list[str]:
    if isinstance(body, str):
        return [body]
    if isinstance(body, list):
        return [message for item in body for message in _messages(item)]
    if isinstance(body, dict):
        if {"dry_run", "applied", "errors"} <= body.keys():
            return ["<the import's plan, naming rows and columns>"]
        if isinstance(body.get("errors"), list):  # the bulk route names item and field
            return [message for problem in body["errors"] for message in _messages(problem)]
        if {"index", "field", "message"} <= body.keys():
            return [body["message"]]
        return [message for value in body.values() for message in _messages(value)]
    return [str(body)]


def refused_by_a_stated_rule(response) -> str | None:
    """Why the 400 was allowed, or None when one of its messages is not a stated rule."""
    if response.status_code != 400:
        return None
    try:
        messages = _messages(json.loads(response.content or b"null"))
    except ValueError:
        return None
    reasons = []
    for message in messages:
        why = next((why for rule, why in RULES if rule.match(message)), None)
        if why is None:
            return None
        reasons.append(why)
    return ", ".join(sorted(set(reasons))) or None


@schemathesis.check
def positive_data_accepted_unless_a_stated_rule(ctx, response, case):
    """``positive_data_acceptance``, except for a 400 that only states the rules above."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except AssertionError:
        if refused_by_a_stated_rule(response):
            return None
        raise
