"""Password hashing: scrypt (memory-hard, in the standard library: no native wheel to
install); only the hash is stored."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

# scrypt cost: 2^14 x 8 x 128 B = 16 MiB and ~50 ms per check (OWASP's minimum for scrypt).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


def _utf8(password: str) -> bytes:
    # surrogatepass: a lone surrogate typed into a form is a (wrong) password, not a crash
    return password.encode("utf-8", "surrogatepass")


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    h = hashlib.scrypt(
        _utf8(password), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, maxmem=64 * 2**20
    )
    b64 = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(h).decode()}"


def check_password(password: str, stored: str) -> bool:
    try:
        algo, n, r, p, salt, want = stored.split("$")
        if algo != "scrypt":
            return False
        got = hashlib.scrypt(
            _utf8(password),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=64 * 2**20,
        )
    except ValueError:
        return False
    return hmac.compare_digest(got, base64.b64decode(want))


# Checked against when the user does not exist, so a wrong name costs as long as a wrong
# password (names cannot be probed by timing): the same scrypt parameters, a random salt and a
# random digest no password produces. Made without hashing (60 ms every process start).
DUMMY_HASH = "$".join(
    ["scrypt", str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P)]
    + [base64.b64encode(secrets.token_bytes(n)).decode() for n in (16, 64)]
)
