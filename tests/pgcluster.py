"""A throwaway PostgreSQL cluster for the tests and the benchmark: initdb in a temporary
folder, a Unix socket there and a loopback TCP port, stopped and deleted afterwards.

Debian's packages put initdb/pg_ctl under /usr/lib/postgresql/<version>/bin; `make test`
installs them (package postgresql) when missing. initdb refuses to run as root, so as
root the server runs as the `postgres` user the package creates.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

PASSWORD = "s3cret-Tk!pw"  # the test role's password (password tests look for leaks)


def find_binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit()
                        else 0)
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    """initdb + pg_ctl start; `stop()` removes everything."""

    def __init__(self, fast: bool = True, settings: list[str] | None = None):
        initdb, pg_ctl = find_binary("initdb"), find_binary("pg_ctl")
        if not initdb or not pg_ctl:
            raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) not found: "
                               "install the Debian package postgresql (make test does)")
        self.pg_ctl = pg_ctl
        self.dir = Path(tempfile.mkdtemp(prefix="tkpg-"))
        self.data = self.dir / "data"
        self.port = _free_port()
        self._as: list[str] = []
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.dir, user.pw_uid, user.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]
        self._run([initdb, "-D", str(self.data), "-U", "postgres", "-E", "UTF8",
                   "--no-locale", "--auth-local=trust", "--auth-host=scram-sha-256",
                   "--no-sync"])
        options = [f"-p {self.port}", "-c listen_addresses=127.0.0.1",
                   f"-c unix_socket_directories={self.dir}", "-c max_connections=60"]
        if fast:  # a throwaway cluster for tests: durability is not what is tested
            options += ["-c fsync=off", "-c synchronous_commit=off",
                        "-c full_page_writes=off"]
        options += settings or []
        self._run([pg_ctl, "-D", str(self.data), "-l", str(self.dir / "server.log"), "-w",
                   "-t", "60", "-o", " ".join(options), "start"])
        self.running = True
        self.admin(f"CREATE ROLE translator LOGIN PASSWORD '{PASSWORD}' CREATEDB")

    def _run(self, cmd: list[str]) -> None:
        result = subprocess.run([*self._as, *cmd], capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            log = self.dir / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{result.stdout}{result.stderr}{tail}")

    def socket_url(self, db: str = "postgres", user: str = "postgres") -> str:
        """Unix-socket URL (trust authentication)."""
        return f"postgresql://{user}@/{db}?host={quote(str(self.dir), safe='')}&port={self.port}"

    def tcp_url(self, db: str, password: str | None = PASSWORD) -> str:
        """Loopback URL for the `translator` role (password authentication)."""
        secret = f":{quote(password, safe='')}" if password is not None else ""
        return f"postgresql://translator{secret}@127.0.0.1:{self.port}/{db}"

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.socket_url(), autocommit=True) as conn:
            conn.execute(sql.encode())

    def create_database(self, name: str) -> str:
        """A new empty database owned by `translator`; returns its socket URL."""
        self.admin(f'CREATE DATABASE "{name}" OWNER translator TEMPLATE template0')
        return self.socket_url(name, "translator")

    def stop(self) -> None:
        if getattr(self, "running", False):
            subprocess.run([*self._as, self.pg_ctl, "-D", str(self.data), "-m", "immediate",
                            "-w", "stop"], capture_output=True, timeout=60)
            self.running = False
        shutil.rmtree(self.dir, ignore_errors=True)
