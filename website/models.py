"""The home page: a search box, the needs as pictogram tiles, and one page per need."""

from django.db import models
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import Page

from core.languages import InterfaceLanguageUrlMixin
from directory.models import Need, OrganisationIndexPage, ServicePage


class HomePage(RoutablePageMixin, InterfaceLanguageUrlMixin, Page):
    """The root of each locale's tree; also serves /<lang>/needs/<code>/."""

    intro = models.CharField(_("introduction"), max_length=250, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["directory.OrganisationIndexPage"]
    max_count_per_parent = 1
    template = "website/home_page.html"

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["needs"] = Need.objects.filter(parent__isnull=True).prefetch_related("labels")
        context["organisation_index"] = OrganisationIndexPage.objects.child_of(self).live().first()
        return context

    @path("needs/<slug:code>/", name="need")
    def need_page(self, request, code):
        need = get_object_or_404(
            Need.objects.prefetch_related("labels", "children__labels"), slug=code
        )
        services = (
            ServicePage.objects.live()
            .descendant_of(self)
            .with_needs([need])
            .for_cards()
            .order_by("title")
        )
        return self.render(
            request,
            context_overrides={"need": need, "services": services},
            template="website/need_page.html",
        )


@register_setting(icon="warning")
class SiteNotice(BaseGenericSetting):
    """Site-wide notices; load_demo switches the demo-data notice on."""

    show_demo_notice = models.BooleanField(
        _("show the demo-data notice"),
        default=False,
        help_text=_("Tells visitors that the organisations shown are examples."),
    )

    panels = [FieldPanel("show_demo_notice")]

    class Meta:
        verbose_name = _("site notice")
