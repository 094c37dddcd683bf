"""Permissions on review meetings: who sees a review, who runs it and who grades.

Everyone who sees the unit sees its reviews; its participants always do. Managers of the unit
plan and run them: present, grade, record decisions and close. The facilitator records decisions
too. A closed review, or a review of a closed cycle, is a record: only staff change it.
"""

from __future__ import annotations

import rules

from okrplatform.org.access import access_for


@rules.predicate
def sees_review(user, review) -> bool:
    return review is not None and (
        access_for(user).sees(review.unit_id) or review.participants.filter(pk=user.pk).exists()
    )


@rules.predicate
def manages_review_unit(user, review) -> bool:
    return review is not None and access_for(user).is_manager_at(review.unit_id)


@rules.predicate
def facilitates(user, review) -> bool:
    return review is not None and review.facilitator_id == user.pk


@rules.predicate
def review_is_open(_user, review) -> bool:
    return review is not None and review.is_open


rules.add_perm("reviews.see_review", rules.is_staff | sees_review)
rules.add_perm("reviews.run_review", rules.is_staff | (manages_review_unit & review_is_open))
rules.add_perm(
    "reviews.record_decision",
    rules.is_staff | ((manages_review_unit | facilitates) & review_is_open),
)
