"""The shared cache in the database (production's default when no Redis is configured).

Django's database cache counts with a read and then a write, and that write resets the
entry's expiry to the default timeout: two gunicorn workers counting the same rate limit at
once could both write the same count, and each hit would push an hour's window back to five
minutes from now. This `incr` locks the row (SELECT … FOR UPDATE on PostgreSQL) and changes
only the value, so the count is exact across workers and machines and the window stays the
one the first hit opened — as Redis's INCR and the memory cache behave."""

import base64
import pickle
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router, transaction


class DatabaseCache(DjangoDatabaseCache):
    """Django's database cache with an atomic `incr` that keeps the entry's expiry."""

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table, value_column, key_column = quote(self._table), quote("value"), quote("cache_key")
        now = datetime.now(UTC) if settings.USE_TZ else datetime.now()
        now = connection.ops.adapt_datetimefield_value(now.replace(microsecond=0))
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {value_column} FROM {table} "  # noqa: S608 - our own table's names
                f"WHERE {key_column} = %s AND {quote('expires')} > %s{lock}",
                [key, now],
            )
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            stored = connection.ops.process_clob(row[0])
            value = pickle.loads(base64.b64decode(stored.encode())) + delta  # noqa: S301
            pickled = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(
                f"UPDATE {table} SET {value_column} = %s WHERE {key_column} = %s",  # noqa: S608
                [pickled, key],
            )
        return value
