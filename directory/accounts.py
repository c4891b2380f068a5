"""The admin's sign-in and password reset forms (Wagtail's views use them through
WAGTAILADMIN_USER_LOGIN_FORM and WAGTAILADMIN_USER_PASSWORD_RESET_FORM).

- Password reset is rate-limited per client address and per e-mail address
  (directory.ratelimit). Over a limit no mail is sent, and the answer is the same "if an
  account exists, we sent an e-mail" page as always: nothing tells whether an account exists
  or a limit was reached.
- The sign-in has no "Remember me": every admin session ends when the browser closes, and on
  the server after SESSION_COOKIE_AGE (staff see referral data).
"""

from django.conf import settings
from wagtail.admin.forms import auth

from core.client_address import client_address
from directory import ratelimit


def reset_rate_per_address() -> int:
    return getattr(settings, "BRUG_PASSWORD_RESET_RATE_PER_HOUR", 5)


def reset_rate_per_account() -> int:
    return getattr(settings, "BRUG_PASSWORD_RESET_ACCOUNT_RATE_PER_HOUR", 3)


def allow_reset(address: str, email: str) -> bool:
    """Count one reset request; False when its address or its e-mail is over the hourly
    limit. A refused address does not use up the account's allowance."""
    if not ratelimit.allow("password-reset", address, reset_rate_per_address()):
        return False
    return ratelimit.allow(
        "password-reset-account", email.strip().lower(), reset_rate_per_account()
    )


class PasswordResetForm(auth.PasswordResetForm):
    def save(self, *args, request=None, **kwargs):
        # The view redirects to the same "done" page whatever happens here.
        address = client_address(request) if request is not None else ""
        if allow_reset(address, self.cleaned_data["email"]):
            super().save(*args, request=request, **kwargs)


class LoginForm(auth.LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Wagtail's login view keeps the session for SESSION_COOKIE_AGE when "remember" is
        # ticked, and until the browser closes otherwise.
        del self.fields["remember"]
