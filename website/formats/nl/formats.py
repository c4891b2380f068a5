# Belgian Dutch (nl-BE): 01/12/2026 rather than the Netherlands' 1-12-2026 (Django's nl).
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1
