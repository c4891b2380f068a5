"""Open data in Open Referral's Human Services Data Specification (HSDS) 3.0: the mapping of
the directory onto HSDS tables, the API under /hsds/ and the export command (docs/hsds.md)."""
