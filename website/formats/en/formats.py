# English as written in Belgium (and Britain): day before month, 24-hour clock, weeks from
# Monday; never 12/01/2026 for 1 December. ISO first among the input formats, because a
# browser's <input type="date"> is given its value in the first one.
DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # '2026-12-01'
    "%d/%m/%Y",  # '01/12/2026'
    "%d/%m/%y",  # '01/12/26'
    "%d %b %Y",  # '1 Dec 2026'
    "%d %B %Y",  # '1 December 2026'
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%y %H:%M",
]
