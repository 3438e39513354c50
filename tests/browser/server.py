"""A real kzstudy server for the browser tests: gunicorn on a fresh SQLite file, set up with
the project's own management commands, as production would run it (DEBUG off, manifest static
files served by whitenoise).
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

# A long key for a throwaway database; never used anywhere else.
TEST_SECRET_KEY = "browser-tests-only-" + "k3y-0f-a-thr0waway-datab4se-" * 3
START_TIMEOUT = 30.0


def _fresh_database(workdir: Path) -> str:
    """A new, empty database on the engine the suite runs on (DATABASE_URL): a SQLite file in
    `workdir`, or a new PostgreSQL database beside the suite's own."""
    suite_url = os.environ.get("DATABASE_URL", "")
    if not suite_url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{workdir / 'e2e.sqlite3'}"
    import psycopg

    parts = urlsplit(suite_url)
    name = f"kzstudy_e2e_{os.getpid()}_{secrets.token_hex(3)}"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def _drop_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(
        urlunsplit(parts._replace(path="/postgres")), autocommit=True
    ) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _self_signed_certificate(workdir: Path) -> None:
    """cert.pem and key.pem for 127.0.0.1, valid for two days (browsers are told to trust it)."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    (workdir / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (workdir / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def stop_process(process: subprocess.Popen | None) -> None:
    """Terminate a server process the test started, killing it after 10 s if it lingers."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class KzstudyServer:
    """Set up a database in `workdir` and serve it with gunicorn on 127.0.0.1."""

    base_dir: Path
    workdir: Path
    article: Path | None
    port: int = 0
    process: subprocess.Popen | None = None
    log_path: Path = field(init=False)
    # Another server's database to serve too (a twin: same data, other settings); else a new one.
    database_url: str = ""
    # Serve HTTPS with a self-signed certificate (and secure cookies), as production does.
    tls: bool = False
    extra_env: dict[str, str] = field(default_factory=dict)
    # gunicorn's worker processes (the reliability tests kill one and run more).
    workers: int = 2

    def __post_init__(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.log_path = self.workdir / "gunicorn.log"
        self.owns_database = not self.database_url
        if self.owns_database:
            self.database_url = _fresh_database(self.workdir)
        if self.tls:
            _self_signed_certificate(self.workdir)

    @property
    def uses_postgresql(self) -> bool:
        return self.database_url.startswith(("postgres://", "postgresql://"))

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        """Production-like settings: only what a deployment sets, nothing from the test run."""
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "DJANGO_SETTINGS_MODULE": "kzstudy.settings",
            "DATABASE_URL": self.database_url,
            "SECRET_KEY": TEST_SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "1" if self.tls else "0",
            "CSRF_COOKIE_SECURE": "1" if self.tls else "0",
            "SECURE_HSTS_SECONDS": "0",
            "STATIC_ROOT": str(self.workdir / "static"),
            # The in-repo LTI test platform serves plain http on 127.0.0.1.
            "OUTBOUND_ALLOW_HTTP": "1",
            "OUTBOUND_ALLOW_PRIVATE_NETWORKS": "1",
            **self.extra_env,
        }

    def manage(self, *args: str, debug: bool = False, timeout: float = 120) -> str:
        """Run `manage.py <args>` against the server's database; its standard output."""
        env = {**self.env, "DEBUG": "1"} if debug else self.env
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=self.base_dir,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"manage.py {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
            )
        return done.stdout

    def shell(self, code: str) -> str:
        """Run Python in `manage.py shell -c` (the way an operator would change data)."""
        return self.manage("shell", "-c", code)

    def set_up(self) -> None:
        """Migrate, collect static files, import the article, load content, seed the demo."""
        self.manage("migrate", "--noinput", "-v", "0")
        self.manage("collectstatic", "--noinput", "-v", "0")
        if self.article is not None:
            self.manage("import_article", str(self.article))
        self.manage("load_content")
        # seed_demo refuses without DEBUG (it creates accounts with known passwords).
        self.manage("seed_demo", debug=True)

    def answer_key(self) -> dict[str, dict[str, Any]]:
        """The published bank as the server exports it, by stem."""
        target = self.workdir / "bank.json"
        self.manage("export_bank", "--format", "json", "--output", str(target))
        items = json.loads(target.read_text(encoding="utf-8"))
        return {item["stem"]: item for item in items}

    def start(self, port: int = 0) -> None:
        """Start gunicorn and wait until it listens (a port taken meanwhile: try another).
        `port`: try this one first, e.g. to come back where a load balancer expects it."""
        for attempt in range(3):
            self.port = port if port and attempt == 0 else _free_port()
            if self._start_on_port():
                return
        raise RuntimeError(f"gunicorn did not start:\n{self.log_path.read_text()}")

    def _start_on_port(self) -> bool:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [
                str(gunicorn),
                "kzstudy.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--threads",
                "4",
                # One control socket per user by default; several servers would share it.
                "--no-control-socket",
                "--access-logfile",
                "-",
                *(
                    [
                        "--certfile",
                        str(self.workdir / "cert.pem"),
                        "--keyfile",
                        str(self.workdir / "key.pem"),
                    ]
                    if self.tls
                    else []
                ),
            ],
            cwd=self.base_dir,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        # "Listening at" means gunicorn bound the port itself, not that someone else holds it.
        listening = f"Listening at: {self.url}"
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            if listening in self.log_path.read_text() and self._answers():
                return True
            time.sleep(0.1)
        self._stop_server()
        return False

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False

    def worker_pids(self) -> list[int]:
        """The pids of gunicorn's worker processes (the master's children)."""
        if self.process is None or self.process.poll() is not None:
            return []
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def stop_server(self) -> None:
        """Stop gunicorn, keeping the database (to start it again later)."""
        self._stop_server()

    def stop(self) -> None:
        self._stop_server()
        if self.uses_postgresql and self.owns_database:
            _drop_database(self.database_url)

    def _stop_server(self) -> None:
        stop_process(self.process)
