from django.urls import path

from . import views

urlpatterns = [
    path("reviews/", views.review_list, name="review_list"),
    path("reviews/new/", views.review_create, name="review_create"),
    path("reviews/health/", views.program_health_view, name="program_health"),
    path("reviews/<int:pk>/", views.review_detail, name="review_detail"),
    path("reviews/<int:pk>/present/", views.review_present, name="review_present"),
    path("reviews/<int:pk>/present/live/", views.review_present_live, name="review_present_live"),
    path("reviews/<int:pk>/decisions/", views.review_decisions, name="review_decisions"),
    path("reviews/<int:pk>/grades/", views.review_grades, name="review_grades"),
    path("reviews/<int:pk>/close/", views.review_close_view, name="review_close"),
    path("reviews/<int:pk>/export.xlsx", views.review_export, name="review_export"),
    path("tensions/<int:pk>/", views.tension_detail, name="tension_detail"),
    path("tools/okr-or-kpi/", views.okr_or_kpi, name="tool_okr_or_kpi"),
    path("tools/roi/", views.roi, name="tool_roi"),
]
