"""The secure profile's passwords: ``<stack dir>/kafka-secure/credentials.json``, mode 0600.

One JSON object ``{principal name: password}``. Passwords are generated here
(`secrets.token_urlsafe`) and never logged; `router infra principal env NAME` is the one
command that prints one, as ``export`` lines for the user who asks.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from infra.errors import InfraError

ADMIN = "admin"
PASSWORD_BYTES = 24


class CredentialStore:
    """Read and add passwords; every write is atomic and leaves the file mode 0600."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text())
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise InfraError(f"cannot read {self.path}: {exc}") from exc
        if not isinstance(data, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in data.items()
        ):
            raise InfraError(f"{self.path} is not a JSON object of name -> password")
        return data

    def names(self) -> list[str]:
        return sorted(self.load())

    def password(self, name: str) -> str:
        try:
            return self.load()[name]
        except KeyError:
            raise InfraError(
                f"no credentials for principal {name!r} in {self.path} "
                "(run `router infra up --secure`, or `router infra principal add`)"
            ) from None

    def ensure(self, name: str) -> str:
        """The principal's password, generated and stored now if it has none."""
        data = self.load()
        if name not in data:
            data[name] = secrets.token_urlsafe(PASSWORD_BYTES)
            self._save(data)
        return data[name]

    def _save(self, data: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump(data, fh, indent=2, sort_keys=True)
            fh.write("\n")
        tmp.chmod(0o600)
        os.replace(tmp, self.path)
