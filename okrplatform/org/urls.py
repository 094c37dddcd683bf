from django.urls import path

from . import views

urlpatterns = [
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("account/tokens/", views.api_tokens, name="api_tokens"),
]
