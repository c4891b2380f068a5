"""Turning "3010" or "Kessel-Lo" into a point, for "near" searches.

For now from the directory's own locations (the centre of the listed addresses in that
postcode or municipality); the map issue brings a gazetteer of Belgian and Dutch places.
"""

from django.db.models import Avg, Q

from directory.models import LocationPage


def resolve_place(text: str) -> tuple[float, float] | None:
    text = " ".join(text.split())
    if not text:
        return None
    postcode = text.split(" ")[0]
    rows = LocationPage.objects.filter(latitude__isnull=False, alias_of__isnull=True)
    match = rows.filter(Q(postcode__iexact=postcode) | Q(municipality__iexact=text))
    centre = match.aggregate(lat=Avg("latitude"), lon=Avg("longitude"))
    if centre["lat"] is None:
        return None
    return float(centre["lat"]), float(centre["lon"])
