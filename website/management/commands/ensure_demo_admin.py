"""`manage.py ensure_demo_admin`: a local superuser for trying Brug, credentials printed.

The password is generated once and kept in .cache/demo-admin.txt (git-ignored), so a second
`make run` prints the same credentials. Refuses to run outside DEBUG.
"""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

USERNAME = "admin"


class Command(BaseCommand):
    help = "Create (once) a demo superuser for local use and print its credentials."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("The demo admin is for local development only (DEBUG=True).")
        store = Path(settings.BASE_DIR) / ".cache" / "demo-admin.txt"
        store.parent.mkdir(exist_ok=True)
        user_model = get_user_model()
        user = user_model.objects.filter(username=USERNAME).first()
        if user is None or not store.exists():
            password = secrets.token_urlsafe(12)
            user = user or user_model(username=USERNAME, email="admin@brug.invalid")
            user.is_staff = user.is_superuser = True
            user.set_password(password)
            user.save()
            store.write_text(password, encoding="utf-8")
        password = store.read_text(encoding="utf-8").strip()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo admin: http://127.0.0.1:8000/admin/  user: {USERNAME}  password: {password}"
            )
        )
