"""The bodies a subscription receives: our signed JSON, or a Slack or Microsoft Teams message.

Chat messages are written for people, in the subscription's language, and carry a link to the
page; the JSON carries the resource's data for programs, with the same words as ``summary``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _

from .models import WebhookSubscription

# Slack shows at most 3,000 characters in a section; a digest lists this many items, then counts.
CHAT_LINES = 15


@dataclass(frozen=True)
class Message:
    """What an event says to people: a title, one sentence, perhaps a list, and a link."""

    title: str
    headline: str
    lines: list[str] = field(default_factory=list)
    more: int = 0
    link: str = ""


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def body_for(
    subscription: WebhookSubscription,
    *,
    event_id: str,
    event_type: str,
    occurred_at: datetime,
    data: dict[str, Any],
    message: Message,
) -> str:
    if subscription.format == WebhookSubscription.Format.SLACK:
        payload: dict[str, Any] = slack_message(message)
    elif subscription.format == WebhookSubscription.Format.TEAMS:
        payload = teams_message(message)
    else:
        payload = {
            "id": event_id,
            "type": event_type,
            "occurred_at": iso_utc(occurred_at),
            "summary": message.headline,
            "url": message.link,
            "data": data,
        }
    return json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))


def _more_line(message: Message) -> list[str]:
    if not message.more:
        return []
    return [_("… and %(count)d more.") % {"count": message.more}]


def _slack_escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_message(message: Message) -> dict[str, Any]:
    """An incoming-webhook message: ``text`` for notifications, ``blocks`` for the channel."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": message.title[:150]}},
        {"type": "section", "text": {"type": "mrkdwn", "text": _slack_escaped(message.headline)}},
    ]
    lines = [*message.lines[:CHAT_LINES], *_more_line(message)]
    if lines:
        listed = "\n".join(f"• {_slack_escaped(line)}" for line in lines)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": listed[:3000]}})
    if message.link:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": _("Open in okrplatform")},
                        "url": message.link,
                    }
                ],
            }
        )
    return {"text": f"{message.title}: {message.headline}", "blocks": blocks}


def teams_message(message: Message) -> dict[str, Any]:
    """An Adaptive Card in the envelope Teams incoming webhooks and Workflows accept."""
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": message.title,
            "weight": "Bolder",
            "size": "Medium",
            "wrap": True,
        },
        {"type": "TextBlock", "text": message.headline, "wrap": True},
    ]
    lines = [*message.lines[:CHAT_LINES], *_more_line(message)]
    if lines:
        body.append(
            {"type": "TextBlock", "text": "\n".join(f"- {line}" for line in lines), "wrap": True}
        )
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    if message.link:
        card["actions"] = [
            {"type": "Action.OpenUrl", "title": _("Open in okrplatform"), "url": message.link}
        ]
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }
