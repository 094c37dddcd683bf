"""The slides of a review's presentation, cut so that each fits a projector at 24 px or more."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .agenda import Agenda

# What fits one 1280×720 slide at 24 px.
UNITS_PER_SLIDE = 4
OBJECTIVES_PER_SLIDE = 5
KEY_RESULTS_PER_SLIDE = 5
KPIS_PER_SLIDE = 6
INTERVENTIONS_PER_SLIDE = 5
TENSIONS_PER_SLIDE = 2
DECISIONS_PER_SLIDE = 4


@dataclass
class Slide:
    kind: str
    title: str
    items: Sequence = field(default_factory=list)
    objective_line: object = None  # for an objective's slide
    more: int = 0  # on the last slide of a capped list: how many the agenda did not show

    @property
    def anchor(self) -> str:
        return self.kind


def _chunks(items: Sequence, size: int) -> list[Sequence]:
    return [items[start : start + size] for start in range(0, len(items), size)] or [[]]


def _numbered(title: str, index: int, total: int) -> str:
    if total == 1:
        return title
    return _("%(title)s (%(part)d of %(parts)d)") % {"title": title, "part": index, "parts": total}


def _chunked_slides(kind: str, title: str, items: Iterable, size: int) -> list[Slide]:
    """As many slides as the items need; the last says how many more the agenda holds."""
    chunks = _chunks(list(items), size)
    slides = [
        Slide(kind, _numbered(title, index, len(chunks)), chunk)
        for index, chunk in enumerate(chunks, start=1)
    ]
    slides[-1].more = getattr(items, "more", 0)
    return slides


def review_slides(agenda: Agenda) -> list[Slide]:
    """Title, the units below at a glance, the objectives furthest behind at a glance and one
    slide for each of them, then KPIs needing attention, interventions, tensions, quality, the
    decisions since the last review and this meeting's."""
    slides = [Slide("title", agenda.review.title)]
    if agenda.units:
        slides += _chunked_slides("units", _("Units at a glance"), agenda.units, UNITS_PER_SLIDE)
    overview = (
        _("The objectives furthest behind")
        if agenda.objectives.more
        else _("Objectives at a glance")
    )
    slides += _chunked_slides("overview", overview, agenda.objectives, OBJECTIVES_PER_SLIDE)
    for line in agenda.objectives:
        key_results = list(line.objective.key_results.all())
        chunks = _chunks(key_results, KEY_RESULTS_PER_SLIDE)
        for index, chunk in enumerate(chunks, start=1):
            slides.append(
                Slide(
                    "objective",
                    _numbered(line.objective.title, index, len(chunks)),
                    chunk,
                    objective_line=line,
                )
            )
    slides += _chunked_slides("kpis", _("KPIs that need attention"), agenda.kpis, KPIS_PER_SLIDE)
    if agenda.interventions:
        slides += _chunked_slides(
            "interventions",
            _("Open interventions"),
            agenda.interventions,
            INTERVENTIONS_PER_SLIDE,
        )
    if agenda.tensions:
        slides += _chunked_slides(
            "tensions", _("Tensions without a trade-off"), agenda.tensions, TENSIONS_PER_SLIDE
        )
    slides.append(Slide("quality", _("Quality warnings"), agenda.quality))
    if agenda.decisions_since:
        slides += _chunked_slides(
            "decisions_since",
            _("Decided since the last review"),
            agenda.decisions_since,
            DECISIONS_PER_SLIDE,
        )
    slides.append(Slide("decisions", _("Decisions of this meeting"), agenda.decisions_here))
    return slides
