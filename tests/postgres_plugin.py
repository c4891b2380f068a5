"""An early pytest plugin (loaded with `-p tests.postgres_plugin`, see pyproject.toml): with
`--postgres`, start a throw-away PostgreSQL cluster (scripts/postgres.sh) *before* pytest-django
sets Django up, and hand its port to the test settings (BRUG_TEST_POSTGRES_PORT).

Why so early: Django makes its default connection while it loads the apps, and Wagtail's search
app builds its index model and its PostgreSQL weights for the database it sees then. Switching
the settings later (in a conftest's pytest_configure) left an SQLite connection behind, so the
"PostgreSQL" pass ran on SQLite.
"""

import os
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PORT_VARIABLE = "BRUG_TEST_POSTGRES_PORT"


def pytest_addoption(parser):
    parser.addoption(
        "--postgres",
        action="store_true",
        help="run against a throw-away PostgreSQL cluster (scripts/postgres.sh)",
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    if not getattr(early_config.known_args_namespace, "postgres", False):
        os.environ.pop(PORT_VARIABLE, None)
        return
    workdir = tempfile.mkdtemp(prefix="brug-pg-")
    port = free_port()
    script = str(ROOT / "scripts" / "postgres.sh")
    result = subprocess.run(
        [script, "start", workdir, str(port)], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        # A missing PostgreSQL fails the run; it is never a silent skip.
        raise pytest.UsageError(f"Could not start PostgreSQL: {result.stderr or result.stdout}")
    early_config.add_cleanup(lambda: subprocess.run([script, "stop", workdir], check=False))
    os.environ[PORT_VARIABLE] = str(port)
