"""Warm hand-offs between services (closed-loop referrals). Built in the referrals issue."""
