# Arabic as used in Belgium. Django's Arabic formats leave the date-and-time formats and the
# input formats to its global defaults, which put the month first (12/01/2026 for
# 1 December); these keep the day first, as the admin's date widgets write it
# (WAGTAIL_DATE_FORMAT). ISO first among the input formats: a browser's
# <input type="date"> is given its value in the first one.
DATETIME_FORMAT = "j F، Y H:i"
SHORT_DATETIME_FORMAT = "d‏/m‏/Y H:i"
FIRST_DAY_OF_WEEK = 1
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
]
