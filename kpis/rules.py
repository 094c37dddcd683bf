"""Permissions on KPIs and interventions, by role in the unit (see ``alignment.access``)."""

from __future__ import annotations

import rules

from okrplatform.org.access import access_for


@rules.predicate
def sees_kpi(user, kpi) -> bool:
    return kpi is not None and (kpi.owner_id == user.pk or access_for(user).sees(kpi.unit_id))


@rules.predicate
def records_for_kpi(user, kpi) -> bool:
    """The KPI's owner, and contributors and managers of its unit."""
    return kpi is not None and (
        kpi.owner_id == user.pk or access_for(user).is_contributor_at(kpi.unit_id)
    )


@rules.predicate
def sees_intervention(user, intervention) -> bool:
    access = access_for(user)
    return intervention is not None and (
        access.sees(intervention.kpi.unit_id)
        or access.sees(intervention.objective.unit_id)
        or intervention.assignees.filter(pk=user.pk).exists()
    )


@rules.predicate
def works_on_intervention(user, intervention) -> bool:
    """Its assignees, and managers of the KPI's or the objective's unit."""
    access = access_for(user)
    return intervention is not None and (
        intervention.assignees.filter(pk=user.pk).exists()
        or access.is_manager_at(intervention.kpi.unit_id)
        or access.is_manager_at(intervention.objective.unit_id)
    )


@rules.predicate
def records_for_some_kpi(user) -> bool:
    """Whoever may record a value for at least one KPI: an owner, a contributor, a manager."""
    return access_for(user).contributes_somewhere or user.owned_kpis.exists()


rules.add_perm("kpis.see_kpi", rules.is_staff | sees_kpi)
rules.add_perm("kpis.upload_measurements", rules.is_staff | records_for_some_kpi)
rules.add_perm("kpis.record_measurement", rules.is_staff | records_for_kpi)
rules.add_perm("kpis.see_intervention", rules.is_staff | sees_intervention)
rules.add_perm("kpis.work_on_intervention", rules.is_staff | works_on_intervention)


@rules.predicate
def manages_kpi_unit(user, kpi) -> bool:
    return kpi is not None and access_for(user).is_manager_at(kpi.unit_id)


# KPI definitions are a unit's commitments, set by its managers (as its objectives are).
rules.add_perm("kpis.edit_kpi", rules.is_staff | manages_kpi_unit)
