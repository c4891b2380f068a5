"""The shared cache of production: a rate limit counted by one worker counts for every other,
and a count keeps the window its first hit opened."""

import json

import pytest
from django.core.cache import CacheHandler
from django.core.management import call_command
from django.db import connection

from directory import ratelimit
from tests.security.test_sessions import run_production

DATABASE_CACHE = {"default": {"BACKEND": "core.cache.DatabaseCache", "LOCATION": "brug_cache"}}


@pytest.fixture
def database_cache(settings):
    settings.CACHES = DATABASE_CACHE
    call_command("createcachetable", verbosity=0)
    yield
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM brug_cache")


def worker():
    """What a separate gunicorn worker has: its own cache connections, made from settings."""
    return CacheHandler()["default"]


@pytest.mark.django_db
def test_a_rate_limit_counted_by_one_worker_counts_for_the_other(database_cache, monkeypatch):
    first, second = worker(), worker()
    assert first is not second

    def hit(cache) -> bool:
        monkeypatch.setattr(ratelimit, "cache", cache)
        return ratelimit.allow("suggest", "198.51.100.1", limit=3)

    assert [hit(first), hit(second), hit(first)] == [True, True, True]
    assert [hit(second), hit(first)] == [False, False]  # the fourth and fifth, whoever counts
    monkeypatch.setattr(ratelimit, "cache", second)
    assert ratelimit.allow("suggest", "198.51.100.2", limit=3)  # another client, its own count


@pytest.mark.django_db
def test_a_count_keeps_its_window_and_an_expired_count_is_gone(database_cache):
    cache = worker()
    cache.add("hits", 0, timeout=3600)
    with connection.cursor() as cursor:
        cursor.execute("SELECT expires FROM brug_cache")
        (opened,) = cursor.fetchone()
    assert [cache.incr("hits"), cache.incr("hits", 2)] == [1, 3]
    with connection.cursor() as cursor:
        cursor.execute("SELECT expires FROM brug_cache")
        assert cursor.fetchone() == (opened,)  # Django's own incr would reset it to 300 s
    assert worker().get("hits") == 3
    cache.set("gone", 1, timeout=-1)
    with pytest.raises(ValueError):
        cache.incr("gone")
    with pytest.raises(ValueError):
        cache.incr("never-set")


def test_production_shares_its_cache_in_the_database_or_in_redis():
    show = (
        "from django.conf import settings as s; import json; "
        "print(json.dumps([s.CACHES['default'], s.AXES_HANDLER]))"
    )
    default = run_production("shell", "-c", show)
    assert default.returncode == 0, default.stderr
    assert json.loads(default.stdout.strip().splitlines()[-1]) == [
        DATABASE_CACHE["default"],
        "axes.handlers.database.AxesDatabaseHandler",  # lockout counts in the database too
    ]
    redis = run_production("shell", "-c", show, REDIS_URL="redis://127.0.0.1:6390/1")
    assert redis.returncode == 0, redis.stderr
    assert json.loads(redis.stdout.strip().splitlines()[-1])[0] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6390/1",
    }
