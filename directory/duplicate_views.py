"""Admin screens for likely duplicates: the curators' queue, the side-by-side view, merging
and "not a duplicate". Thin: the rules live in directory/duplicates.py and
directory/merging.py."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from directory import duplicates, merging
from directory.models import DuplicateCandidate, DuplicateStatus, OrganisationPage


class _CuratorsOnly:
    def dispatch(self, request, *args, **kwargs):
        if not merging.may_merge(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class DuplicateListView(_CuratorsOnly, WagtailAdminTemplateMixin, TemplateView):
    """Possible duplicates still to check (and the last ones handled)."""

    template_name = "directory/admin/duplicates.html"
    page_title = gettext_lazy("Possible duplicates")
    header_icon = "copy"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_header_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        candidates = DuplicateCandidate.objects.select_related("page", "other", "handled_by")
        context["open"] = candidates.filter(status=DuplicateStatus.OPEN)
        context["handled"] = candidates.exclude(status=DuplicateStatus.OPEN).order_by(
            "-handled_at"
        )[:20]
        return context


class DuplicateCompareView(_CuratorsOnly, WagtailAdminTemplateMixin, TemplateView):
    """Two listings side by side; keep one (the other merges into it) or dismiss."""

    template_name = "directory/admin/duplicate_compare.html"
    page_title = gettext_lazy("Compare listings")
    header_icon = "copy"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_header_title()}]

    def dispatch(self, request, pk, *args, **kwargs):
        self.candidate = get_object_or_404(DuplicateCandidate, pk=pk)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        left, right = self.candidate.other.specific, self.candidate.page.specific
        context.update(
            candidate=self.candidate,
            left=left,
            right=right,
            rows=duplicates.side_by_side(left, right),
            is_organisation=isinstance(left, OrganisationPage),
        )
        return context

    def post(self, request, *args, **kwargs):
        candidate = self.candidate
        if candidate.status == DuplicateStatus.MERGED:
            messages.error(request, _("These listings were merged already."))
            return redirect("directory_duplicates")
        if request.POST.get("action") == "dismiss":
            merging.dismiss(candidate, request.user)
            messages.success(request, _("Marked as not a duplicate."))
            return redirect("directory_duplicates")
        keep = request.POST.get("keep")
        pages = {str(candidate.page_id): candidate.page, str(candidate.other_id): candidate.other}
        if keep not in pages:
            messages.error(request, _("Choose which listing to keep."))
            return self.render_to_response(self.get_context_data(), status=400)
        kept = pages.pop(keep).specific
        merged = next(iter(pages.values())).specific
        merge = (
            merging.merge_organisations
            if isinstance(kept, OrganisationPage)
            else merging.merge_services
        )
        try:
            result = merge(merged, kept, request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return self.render_to_response(self.get_context_data(), status=400)
        messages.success(
            request,
            _(
                "“%(merged)s” is merged into “%(kept)s”: %(moved)s pages moved, %(redirects)s "
                "old addresses redirect. The old listing is unpublished and keeps its history."
            )
            % {
                "merged": merged.title,
                "kept": kept.title,
                "moved": len(result.moved),
                "redirects": result.redirects,
            },
        )
        return redirect("directory_duplicates")
