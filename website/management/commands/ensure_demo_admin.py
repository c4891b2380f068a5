"""`manage.py ensure_demo_admin`: local accounts for trying Brug, credentials printed.

- `admin`: a superuser;
- `curator`: a network curator (reviews changes, invites people, sees the report);
- `editor`: an organisation editor of the first demo organisation (OCMW Leuven when the demo
  data is loaded), who sees and edits only that organisation;
- `coach`: a coach of Caritas International Leuven, who refers clients;
- `intake`: an intake worker of the CGG (mental-health centre), who answers referrals;
- `manager`: a manager of OCMW Leuven, who sees the referral figures of the OCMW (outcomes,
  caseload, gaps; `load_demo_activity` gives them a year of referrals).

Passwords are generated once and kept in .cache/demo-<name>.txt (git-ignored), so a second
`make run` prints the same credentials. Refuses to run outside DEBUG.
"""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from directory.models import OrganisationPage, Role
from directory.roles import CURATORS, add_member, curators_group, ensure_roles

USERNAME = "admin"
DEMO_ORGANISATION = "ocmw-leuven"
DEMO_REFERRAL_STAFF = [
    ("coach", "caritas-international-leuven", Role.COACH),
    ("intake", "cgg-vlaams-brabant-oost", Role.INTAKE_WORKER),
    ("manager", "ocmw-leuven", Role.MANAGER),
]


class Command(BaseCommand):
    help = "Create (once) demo accounts for local use and print their credentials."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("The demo accounts are for local development only (DEBUG=True).")
        ensure_roles()
        cache = Path(settings.BASE_DIR) / ".cache"
        cache.mkdir(exist_ok=True)

        admin, password = self._account(cache / "demo-admin.txt", USERNAME)
        if not admin.is_superuser:
            admin.is_staff = admin.is_superuser = True
            admin.save()
        self._say("Demo admin", USERNAME, password)

        curator, password = self._account(cache / "demo-curator.txt", "curator")
        curator.groups.add(curators_group())
        self._say(f"Demo curator ({CURATORS})", "curator", password)

        organisation = (
            OrganisationPage.objects.originals().filter(slug=DEMO_ORGANISATION).first()
            or OrganisationPage.objects.originals().order_by("pk").first()
        )
        if organisation is None:
            self.stdout.write("No organisation yet: no demo editor.")
            return
        editor, password = self._account(cache / "demo-editor.txt", "editor")
        add_member(editor, organisation, Role.EDITOR)
        self._say(f"Demo editor of {organisation.title}", "editor", password)
        for username, slug, role in DEMO_REFERRAL_STAFF:
            organisation = OrganisationPage.objects.originals().filter(slug=slug).first()
            if organisation is None:
                continue
            person, password = self._account(cache / f"demo-{username}.txt", username)
            add_member(person, organisation, role)
            self._say(f"Demo {role.replace('_', ' ')} of {organisation.title}", username, password)

    def _account(self, store: Path, username: str):
        user_model = get_user_model()
        user = user_model.objects.filter(username=username).first()
        if user is None or not store.exists():
            password = secrets.token_urlsafe(12)
            user = user or user_model(username=username, email=f"{username}@brug.invalid")
            user.set_password(password)
            user.save()
            store.write_text(password, encoding="utf-8")
        return user, store.read_text(encoding="utf-8").strip()

    def _say(self, who: str, username: str, password: str) -> None:
        self.stdout.write(
            self.style.SUCCESS(
                f"{who}: http://127.0.0.1:8000/admin/  user: {username}  password: {password}"
            )
        )
