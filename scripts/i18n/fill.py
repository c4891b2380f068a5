"""Fill the UI catalogues from a table of translations (a developer's tool, not run by the
product): `python scripts/i18n/fill.py TABLE.py` where TABLE.py defines
T = {msgid: (nl, fr, ar)}. Entries it fills lose their fuzzy flag; it reports what is still
untranslated or fuzzy in nl, fr and ar. Needs `pip install polib`."""

import runpy
import sys
from pathlib import Path

import polib

LANGUAGES = ("nl", "fr", "ar")
ROOT = Path(__file__).resolve().parents[2]


def main(table_path: str) -> int:
    table = runpy.run_path(table_path)["T"]
    missing = 0
    for index, language in enumerate(LANGUAGES):
        path = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
        po = polib.pofile(str(path), wrapwidth=79)
        for entry in po:
            if entry.obsolete or entry.msgid not in table:
                continue
            if entry.msgstr and "fuzzy" not in entry.flags:
                continue
            entry.msgstr = table[entry.msgid][index]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            entry.previous_msgid = None
        po.save(str(path))
        left = [e.msgid for e in po.untranslated_entries() + po.fuzzy_entries()]
        missing += len(left)
        for msgid in left:
            print(f"{language}: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
