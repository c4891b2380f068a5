"""Write Django's own interface strings (weekday and month names, form errors) for the UI
languages Django ships no catalogue for: `python scripts/i18n/django_core.py`, then
`manage.py compilemessages`. Names of days and months come from CLDR (Babel); the form errors
from the table below (machine-drafted, like the languages' main catalogues). Output:
locale_django/<code>/LC_MESSAGES/django.po, the second entry of LOCALE_PATHS."""

import sys
from pathlib import Path

import django
import polib
from babel import Locale

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
WEEKDAYS_ABBR = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]  # fmt: skip
MONTHS_3 = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
MONTHS_AP = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.",
             "Nov.", "Dec."]  # fmt: skip

# msgid: {language: translation}; a tuple msgid is (singular, plural).
FORM_ERRORS = {
    "This field is required.": {
        "ps": "دا برخه ډکول اړین دي.",
        "ti": "እዚ ቦታ ክምላእ ኣለዎ።",
        "so": "Meeshan waa in la buuxiyaa.",
    },
    "Enter a valid email address.": {
        "ps": "یوه سمه برېښنالیک پته ولیکئ.",
        "ti": "ቅኑዕ ኢመይል ኣድራሻ ኣእትዉ።",
        "so": "Geli cinwaan iimayl sax ah.",
    },
    "Select a valid choice. %(value)s is not one of the available choices.": {
        "ps": "یو سم انتخاب وټاکئ. %(value)s د شته انتخابونو څخه نه دی.",
        "ti": "ቅኑዕ ምርጫ ምረጹ። %(value)s ካብቶም ዘለዉ ምርጫታት ኣይኮነን።",
        "so": "Dooro doorasho sax ah. %(value)s kama mid aha doorashooyinka la heli karo.",
    },
    (
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
    ): {
        "ps": "دا متن باید تر %(limit_value)d تورو زیات نه وي (اوس %(show_value)d لري).",
        "ti": "እዚ ጽሑፍ ካብ %(limit_value)d ፊደል ክበዝሕ የብሉን (ሕጂ %(show_value)d ኣለዎ)።",
        "so": "Qoraalkani waa inuusan ka badnaan %(limit_value)d xaraf (hadda wuxuu leeyahay "
        "%(show_value)d).",
    },
    "Enter a whole number.": {
        "ps": "یو بشپړ عدد ولیکئ.",
        "ti": "ምሉእ ቁጽሪ ኣእትዉ።",
        "so": "Geli tiro dhan.",
    },
    "Enter a number.": {"ps": "یو عدد ولیکئ.", "ti": "ቁጽሪ ኣእትዉ።", "so": "Geli tiro."},
    "Enter a valid date.": {
        "ps": "یوه سمه نېټه ولیکئ.",
        "ti": "ቅኑዕ ዕለት ኣእትዉ።",
        "so": "Geli taariikh sax ah.",
    },
    "Enter a valid time.": {
        "ps": "سم وخت ولیکئ.",
        "ti": "ቅኑዕ ሰዓት ኣእትዉ።",
        "so": "Geli waqti sax ah.",
    },
    "Enter a valid date/time.": {
        "ps": "سمه نېټه او وخت ولیکئ.",
        "ti": "ቅኑዕ ዕለትን ሰዓትን ኣእትዉ።",
        "so": "Geli taariikh iyo waqti sax ah.",
    },
    "Ensure this value is less than or equal to %(limit_value)s.": {
        "ps": "دا شمېره باید له %(limit_value)s څخه کمه یا ورسره برابره وي.",
        "ti": "እዚ ቁጽሪ ካብ %(limit_value)s ዝነኣሰ ወይ ማዕረ ክኸውን ኣለዎ።",
        "so": "Tiradani waa inay ka yaraato ama la mid noqoto %(limit_value)s.",
    },
    "Ensure this value is greater than or equal to %(limit_value)s.": {
        "ps": "دا شمېره باید له %(limit_value)s څخه زیاته یا ورسره برابره وي.",
        "ti": "እዚ ቁጽሪ ካብ %(limit_value)s ዝዓበየ ወይ ማዕረ ክኸውን ኣለዎ።",
        "so": "Tiradani waa inay ka badato ama la mid noqoto %(limit_value)s.",
    },
}


def missing_languages() -> list[str]:
    from django.conf import settings

    shipped = Path(django.__file__).parent / "conf" / "locale"
    return [code for code, _n in settings.LANGUAGES if not (shipped / code).is_dir()]


def entries(code: str) -> list[polib.POEntry]:
    cldr = Locale.parse(code)
    days, months = cldr.days["format"], cldr.months["format"]
    standalone = cldr.months["stand-alone"]["wide"]
    out = []
    for i, name in enumerate(WEEKDAYS):
        out.append(polib.POEntry(msgid=name, msgstr=days["wide"][i]))
        out.append(polib.POEntry(msgid=WEEKDAYS_ABBR[i], msgstr=days["abbreviated"][i]))
    for i, name in enumerate(MONTHS, start=1):
        out.append(polib.POEntry(msgid=name, msgstr=months["wide"][i]))
        out.append(polib.POEntry(msgid=MONTHS_3[i - 1], msgstr=months["abbreviated"][i].lower()))
        out.append(
            polib.POEntry(
                msgctxt="abbrev. month", msgid=MONTHS_AP[i - 1], msgstr=months["abbreviated"][i]
            )
        )
        out.append(polib.POEntry(msgctxt="alt. month", msgid=name, msgstr=standalone[i]))
    for msgid, by_language in FORM_ERRORS.items():
        if isinstance(msgid, tuple):
            forms = {0: by_language[code], 1: by_language[code]}
            out.append(polib.POEntry(msgid=msgid[0], msgid_plural=msgid[1], msgstr_plural=forms))
        else:
            out.append(polib.POEntry(msgid=msgid, msgstr=by_language[code]))
    return out


def main() -> None:
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "website.settings.dev")
    django.setup()
    for code in missing_languages():
        po = polib.POFile(wrapwidth=79)
        po.header = (
            "Django's own strings for a language Django ships no catalogue for.\n"
            "MACHINE-DRAFTED: day and month names from CLDR; form errors drafted by machine,\n"
            "awaiting native review. Written by scripts/i18n/django_core.py."
        )
        po.metadata = {
            "Project-Id-Version": "Brug",
            "Language": code,
            "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit",
            "Plural-Forms": "nplurals=2; plural=(n != 1);",
            "X-Machine-Drafted": "yes",
        }
        po.extend(entries(code))
        path = ROOT / "locale_django" / code / "LC_MESSAGES" / "django.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        po.save(str(path))
        print(f"{code}: {len(po)} entries -> {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
