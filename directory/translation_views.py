"""Admin screens for translations: the queue (out of date and not translated, per locale), what
changed in a source, "mark as up to date", and PO download and upload. Thin: the rules live
in directory/translation_state.py and directory/translation_exchange.py."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.compare import comparison_class_registry
from wagtail.models import GroupPagePermission, Locale, Page

from directory import translation_exchange, translation_state
from directory.admin_views import _next_url, _TitledView


def may_translate(user) -> bool:
    """Anyone who may change some page (curators, editors, translators) has the queue."""
    if not user.is_active:
        return False
    return user.is_superuser or (
        GroupPagePermission.objects.filter(
            group__user=user, permission__codename="change_page"
        ).exists()
    )


def _require_translator(user):
    if not may_translate(user):
        raise PermissionDenied


def _editable_translation(request, page_id):
    page = get_object_or_404(Page, pk=page_id).specific
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    return page


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("PO file"))


class TranslationQueueView(_TitledView, TemplateView):
    template_name = "directory/admin/translations.html"
    page_title = gettext_lazy("Translations")
    header_icon = "globe"

    def dispatch(self, request, *args, **kwargs):
        _require_translator(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        queues = translation_state.queue_for(self.request.user)
        for queue in queues:
            for state in queue.outdated:
                model = state.translation.specific_class
                state.changed_labels = ", ".join(
                    translation_state.field_labels(model, state.changed_fields)
                )
        context.update(
            queues=queues,
            form=kwargs.get("form") or ImportForm(),
            report=kwargs.get("report"),
        )
        return context

    def post(self, request, *args, **kwargs):
        """Upload a PO file: the translations' drafts are updated (never published)."""
        form = ImportForm(request.POST, request.FILES)
        report = None
        if form.is_valid():
            try:
                # At most one byte more than allowed: enough to refuse a larger file.
                data = form.cleaned_data["file"].read(translation_exchange.MAX_UPLOAD_BYTES + 1)
                report = translation_exchange.import_po(data, request.user)
            except translation_exchange.ExchangeError as error:
                form.add_error("file", str(error))
        status = 200 if form.is_valid() and report and not report.errors else 400
        return self.render_to_response(
            self.get_context_data(form=form, report=report), status=status
        )


class SourceChangesView(_TitledView, TemplateView):
    """What changed in a translation's source since the translation was in line with it."""

    template_name = "directory/admin/translation_changes.html"
    page_title = gettext_lazy("What changed in the source")
    header_icon = "history"

    def dispatch(self, request, page_id, *args, **kwargs):
        self.translation = _editable_translation(request, page_id)
        self.source = translation_state.source_of(self.translation)
        if self.source is None:
            raise PermissionDenied  # an original or an alias has no source to follow
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.translation.title

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        state = translation_state.state_of(self.translation)
        model = self.source.specific_class
        before = state.source_revision.as_object() if state.source_revision else model()
        now = self.source.specific
        comparisons = []
        for name in state.changed_fields:
            model_field = model._meta.get_field(name)
            comparison = comparison_class_registry.get(model_field)(model_field, before, now)
            comparisons.append(comparison)
        context.update(
            state=state, comparisons=comparisons, translation=self.translation, source=now
        )
        return context


@require_POST
def mark_up_to_date(request, page_id):
    translation = _editable_translation(request, page_id)
    if translation_state.mark_up_to_date(translation) is not None:
        messages.success(request, _("Marked as up to date with its source."))
    return redirect(_next_url(request, reverse("directory_translations")))


def export_po(request):
    """?locale=fr&page=<id>[&page=…][&subtree=1], or ?locale=fr&scope=queue (every out-of-date
    and untranslated page of the locale that this person may edit)."""
    _require_translator(request.user)
    locale = get_object_or_404(Locale, language_code=request.GET.get("locale", ""))
    editable = translation_state.editable_pages(request.user)
    if request.GET.get("scope") == "queue":
        queue = next(
            (q for q in translation_state.queue_for(request.user) if q.locale.pk == locale.pk),
            None,
        )
        pages = [] if queue is None else [s.translation for s in queue.outdated]
        pages += [] if queue is None else queue.untranslated
        include_subtree = False
    else:
        ids = [value for value in request.GET.getlist("page") if value.isdigit()]
        pages = list(Page.objects.filter(pk__in=ids[:500]))
        include_subtree = request.GET.get("subtree") == "1"
    sources = translation_exchange.sources_for(pages, include_subtree)
    # Only pages whose version in the locale this person may edit.
    allowed = set(
        editable.filter(
            locale=locale, translation_key__in=[s.translation_key for s in sources]
        ).values_list("translation_key", flat=True)
    )
    po = translation_exchange.export_po(
        [s for s in sources if s.translation_key in allowed], locale
    )
    name = slugify(pages[0].title)[:40] if len(pages) == 1 else "brug"
    response = HttpResponse(str(po), content_type="text/x-gettext-translation; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{locale.language_code}.po"'
    return response
