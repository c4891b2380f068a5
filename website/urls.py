"""URL configuration: admin outside the language prefix, the public site under /<lang>/."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from directory import views as directory_views
from referrals import plan_views
from search import views as search_views
from search.api import api
from website import health, views
from website.sitemaps import PageSitemap, ViewSitemap

# Wagtail's admin has a "failwhale/" URL that raises on purpose (to try error reporting): any
# signed-in person could fill the error log with it. Without it, the admin's catch-all
# answers 404 (and sends the signed-out to the login).
admin_urlpatterns = [
    pattern
    for pattern in wagtailadmin_urls.urlpatterns
    if getattr(pattern, "name", None) != "wagtailadmin_error_test"
]

SITEMAPS = {"pages": PageSitemap, "views": ViewSitemap}

urlpatterns = [
    # The probes: no language prefix, so no redirect whatever the Accept-Language.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", include(admin_urlpatterns)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("api/v1/", api.urls),
    # Open data in HSDS 3.0, beside the product's own API (docs/hsds.md).
    path("hsds/", include("hsds.urls")),
    # A client's plan: no language prefix, it speaks the plan's own language.
    path("plan/<str:token>/", plan_views.client_plan, name="client_plan"),
]

urlpatterns += i18n_patterns(
    path("search/", search_views.search, name="search"),
    path("map/", search_views.map_page, name="map"),
    path("services/<uuid:key>/", search_views.service_by_key, name="service-by-key"),
    path("invitation/<str:token>/", directory_views.accept_invitation, name="invitation"),
    path("verify/<str:token>/", directory_views.verify_listing, name="verify_listing"),
    path(
        "services/<id:service_id>/feedback/",
        directory_views.service_feedback,
        name="service_feedback",
    ),
    path(
        "services/<id:service_id>/suggest/",
        directory_views.suggest_correction,
        name="suggest_correction",
    ),
    path("", include(wagtail_urls)),
)

# Uploaded media in development; Django's static() returns nothing when DEBUG is off.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "website.views.page_not_found"
handler500 = "website.views.server_error"
