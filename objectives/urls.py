from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("objectives/new/", views.objective_create, name="objective_create"),
    path("objectives/parent-options/", views.parent_options, name="parent_options"),
    path("objectives/<int:pk>/", views.objective_detail, name="objective_detail"),
    path("objectives/<int:pk>/edit/", views.objective_edit, name="objective_edit"),
    path("objectives/<int:pk>/archive/", views.objective_archive_view, name="objective_archive"),
    path("objectives/<int:pk>/restore/", views.objective_restore_view, name="objective_restore"),
    path("objectives/<int:pk>/catchball/", views.objective_catchball, name="objective_catchball"),
    path("objectives/<int:pk>/deploy/", views.objective_deploy_view, name="objective_deploy"),
    path(
        "objectives/<int:pk>/deployments/",
        views.objective_deployments,
        name="objective_deployments",
    ),
    path(
        "key-results/<int:pk>/check-ins/", views.key_result_check_ins, name="key_result_check_ins"
    ),
    path("key-results/<int:pk>/row/", views.key_result_row, name="key_result_row"),
    path("objectives/<int:pk>/history/", views.objective_history, name="objective_history"),
    path("key-results/<int:pk>/history/", views.key_result_history, name="key_result_history"),
    path("interventions/<int:pk>/", views.intervention_detail, name="intervention_detail"),
    *[
        path(
            f"interventions/<int:pk>/{action}/",
            views.intervention_action,
            {"action": action},
            name=f"intervention_{action}",
        )
        for action in ("acknowledge", "notes", "resolve")
    ],
]
