"""Warm hand-offs between services (closed-loop referrals)."""
