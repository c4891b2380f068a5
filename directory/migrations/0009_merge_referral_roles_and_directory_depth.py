# The referral roles (0003_alter_invitation_role_alter_membership_role) and the directory's
# depth (0003_confidential_locations … 0008_field_checks) were made side by side; nothing to do
# but join the two lines.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0003_alter_invitation_role_alter_membership_role"),
        ("directory", "0008_field_checks"),
    ]

    operations = []
