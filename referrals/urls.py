"""Admin URLs of the referral screens (under /admin/referrals/)."""

from django.urls import path

from referrals import plan_views, views

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
    path("plans/", plan_views.plan_list, name="plans"),
    path("plans/new/", plan_views.plan_new, name="plan_new"),
    path("plans/<id:pk>/", plan_views.plan_detail, name="plan"),
    path("plans/<id:pk>/print/", plan_views.plan_print, name="plan_print"),
    path("plans/<id:pk>/revoke/", plan_views.plan_revoke, name="plan_revoke"),
    path("plans/<id:pk>/new-link/", plan_views.plan_new_link, name="plan_new_link"),
]
