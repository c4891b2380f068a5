"""The organisation editors' partnerships screen: propose a partnership between their
organisation and another, see those waiting, confirm one the other side proposed. Thin: the
rules live in directory/partnerships.py (curators use the *Partnerships* viewset)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from directory import partnerships
from directory.models import OrganisationPage, Partnership, ServicePage
from directory.models.partnerships import check_services
from directory.roles import edited_organisations


class ProposalForm(forms.ModelForm):
    """A partnership from one of the editor's organisations to another organisation."""

    class Meta:
        model = Partnership
        fields = ["organisation", "partner", "kind", "starts_on", "ends_on", "services"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = edited_organisations(user)
        self.fields["partner"].queryset = OrganisationPage.objects.originals().order_by("title")
        self.fields["services"].queryset = ServicePage.objects.originals().order_by("title")

    def clean(self):
        cleaned = super().clean()
        check_services(self, cleaned)
        return cleaned


class OurPartnershipsView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "directory/admin/our_partnerships.html"
    page_title = gettext_lazy("Partnerships")
    header_icon = "group"

    def dispatch(self, request, *args, **kwargs):
        if not edited_organisations(request.user).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        rows = []
        for partnership in partnerships.of_editor(user).order_by("-recorded_at"):
            sides = partnerships.sides_of(user, partnership)
            waiting = [
                side
                for side in partnerships.SIDES
                if getattr(partnership, f"{side}_confirmed_at") is None
            ]
            rows.append(
                {
                    "partnership": partnership,
                    "can_confirm": not partnership.confirmed_at and bool(set(waiting) & sides),
                    "waiting_for": [getattr(partnership, side) for side in waiting],
                }
            )
        context["rows"] = rows
        context["form"] = kwargs.get("form") or ProposalForm(user=user)
        return context

    def post(self, request, *args, **kwargs):
        form = ProposalForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        services = form.cleaned_data.pop("services")
        partnerships.propose(request.user, services=services, **form.cleaned_data)
        messages.success(
            request, _("Partnership proposed. It is shown once the other side confirms it.")
        )
        return redirect("directory_our_partnerships")


@require_POST
def confirm_partnership(request, pk):
    partnership = get_object_or_404(Partnership, pk=pk)
    partnerships.confirm(request.user, partnership)
    messages.success(request, _("Partnership confirmed."))
    return redirect("directory_our_partnerships")
