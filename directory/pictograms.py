"""The bundled pictogram set (SVG files in directory/static/directory/pictograms/).

Pictograms ship with the code so that they work offline, print well and need no upload.
"""

from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _

PICTOGRAMS = [
    ("housing", _("House")),
    ("mental-health", _("Head with heart")),
    ("legal", _("Scales")),
    ("income", _("Coins")),
    ("work", _("Briefcase")),
    ("language", _("Speech bubbles")),
    ("education", _("Book")),
    ("health", _("Medical cross")),
    ("family", _("Parent and child")),
    ("administration", _("Envelope")),
    ("participation", _("People together")),
    ("food", _("Bowl")),
    ("mobility", _("Bicycle")),
    ("digital", _("Phone")),
    ("other", _("Info")),
]
PICTOGRAM_CHOICES = PICTOGRAMS


def pictogram_url(name: str) -> str:
    """Static URL of a pictogram; unknown names fall back to the generic one."""
    known = {key for key, _label in PICTOGRAMS}
    return static(f"directory/pictograms/{name if name in known else 'other'}.svg")
