"""Who may use the server, and the guards every response and form carries.

- Users: a file of `name:argon2-hash` lines (`sla serve --hash-password` makes a line); with
  it, every page and call needs a login (a session cookie, or HTTP Basic for API clients).
- Sessions and CSRF tokens are HMACs under a key made at start-up: they need no storage, and
  a restart logs everyone out, which suits a tool on one machine.
- Headers: a Content-Security-Policy that allows only the server's own scripts (none inline),
  nosniff, and no framing.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from engine.errors import InputError
from engine.i18n import _

SESSION_COOKIE = "sla_session"
CSRF_COOKIE = "sla_csrf"
SESSION_SECONDS = 8 * 3600
LOOPBACK = ("127.0.0.1", "::1", "localhost")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def load_users(path: Path) -> dict[str, str]:
    """`name:hash` per line; blank lines and `#` comments skipped. InputError at the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError.at(
            _("cannot read the users file: {error}").format(error=error), file=str(path)
        ) from None
    users: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, colon, hashed = line.partition(":")
        if not colon or not name or not hashed.startswith("$argon2"):
            raise InputError.at(
                _("not `name:$argon2id$…`; make a line with `sla serve --hash-password`"),
                file=str(path),
                line=number,
            )
        users[name] = hashed
    if not users:
        raise InputError.at(_("the users file names no user"), file=str(path))
    return users


@dataclass
class Guard:
    """Logins, sessions and CSRF tokens under one secret key."""

    users: dict[str, str] | None
    key: bytes = b""

    def __post_init__(self) -> None:
        if not self.key:
            self.key = secrets.token_bytes(32)

    @property
    def login_required(self) -> bool:
        return self.users is not None

    def check_password(self, name: str, password: str) -> bool:
        hashed = (self.users or {}).get(name)
        if hashed is None:
            # Spend the same time on an unknown name, so timing does not tell names apart.
            with contextlib.suppress(VerificationError, InvalidHashError):
                _hasher.verify(_DUMMY, password)
            return False
        try:
            return _hasher.verify(hashed, password)
        except (VerificationError, InvalidHashError):
            return False

    def _sign(self, text: str) -> str:
        return hmac.new(self.key, text.encode(), hashlib.sha256).hexdigest()

    def session_for(self, name: str, now: float | None = None) -> str:
        expires = int((now or time.time()) + SESSION_SECONDS)
        body = base64.urlsafe_b64encode(name.encode()).decode()
        payload = f"{body}.{expires}"
        return f"{payload}.{self._sign(payload)}"

    def user_of(self, cookie: str | None, now: float | None = None) -> str | None:
        if not cookie or cookie.count(".") != 2:
            return None
        body, expires, signature = cookie.split(".")
        if not hmac.compare_digest(signature, self._sign(f"{body}.{expires}")):
            return None
        if not expires.isdigit() or int(expires) < (now or time.time()):
            return None
        try:
            name = base64.urlsafe_b64decode(body.encode()).decode()
        except (ValueError, UnicodeDecodeError):
            return None
        return name if name in (self.users or {}) else None

    def basic_user(self, header: str | None) -> str | None:
        """The user of an `Authorization: Basic …` header whose password is right."""
        if not header or not header.startswith("Basic "):
            return None
        try:
            decoded = base64.b64decode(header[6:], validate=True).decode()
        except (ValueError, UnicodeDecodeError):
            return None
        name, colon, password = decoded.partition(":")
        if colon and self.check_password(name, password):
            return name
        return None

    def csrf_token(self, nonce: str) -> str:
        """The token a form carries: bound to the browser's CSRF cookie by an HMAC."""
        return self._sign(f"csrf:{nonce}")

    def csrf_ok(self, nonce: str | None, token: str | None) -> bool:
        if not nonce or not token:
            return False
        return hmac.compare_digest(self.csrf_token(nonce), token)


_DUMMY = _hasher.hash(secrets.token_hex(8))


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


def host_allowed(host: str, users: object) -> bool:
    """Loopback always; any other address only with a users file (and so a login)."""
    return host in LOOPBACK or users is not None
