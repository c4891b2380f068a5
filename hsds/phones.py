"""Phone numbers of imported records: the directory's parser (directory.phones), which the
initiatives import shares."""

from directory.phones import PhoneError, to_e164

__all__ = ["PhoneError", "to_e164"]
