"""Admin URLs of the referral screens (under /admin/referrals/)."""

from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.my_referrals, name="mine"),
    path("inbox/", views.inbox, name="inbox"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/message/", views.message, name="message"),
    path("<int:pk>/<slug:action>/", views.act, name="act"),
    path("clients/<int:pk>/export/", views.client_export, name="client_export"),
    path("clients/<int:pk>/erase/", views.client_erase, name="client_erase"),
]
