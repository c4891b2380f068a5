"""Admin URLs of the referral screens (under /admin/referrals/)."""

from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.my_referrals, name="mine"),
    path("inbox/", views.inbox, name="inbox"),
    path("new/", views.new, name="new"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/message/", views.message, name="message"),
    path("<id:pk>/<slug:action>/", views.act, name="act"),
    path("clients/", views.find_client, name="find_client"),
    path("clients/<id:pk>/export/", views.client_export, name="client_export"),
    path("clients/<id:pk>/erase/", views.client_erase, name="client_erase"),
]
