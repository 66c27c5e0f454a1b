"""Who is connecting: the client's address, also behind reverse proxies.

A proxy puts the address it received a request from at the right of X-Forwarded-For; what
stands to the left of it came from further out and may be anything the client wrote. So
the header is read only when the connecting peer is a trusted proxy (``auth.trusted_proxies``,
addresses or CIDR networks), and then from the right: the first hop that is not itself a
trusted proxy is the client. With no trusted proxy the peer is the client, whatever the
header says.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Sequence

_MAX_HOPS = 20  # X-Forwarded-For hops looked at, from the right


def forwarded_hops(values: Sequence[str]) -> list[str]:
    """The hops of X-Forwarded-For headers, left to right (the last few), each an address
    without port or brackets when it is one, else as written (cut short); empty ones left out."""
    hops = [h.strip() for v in values for h in v.split(",")]
    return [_host(h) for h in hops if h][-_MAX_HOPS:]


def client_address(peer: str, forwarded: Sequence[str] = (), trusted: Sequence[str] = ()) -> str:
    """The client's address: the connecting ``peer``, or when that is one of the ``trusted``
    proxies, the right-most hop of ``forwarded`` (the X-Forwarded-For values) that is not."""
    nets = _networks(tuple(trusted))
    if not _within(peer, nets):
        return peer
    hops = forwarded_hops(forwarded)
    return next((h for h in reversed(hops) if not _within(h, nets)), hops[0] if hops else peer)


@functools.lru_cache(maxsize=16)
def _networks(trusted: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(t.strip(), strict=False) for t in trusted)


def _within(address: str, nets: tuple) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    ip = getattr(ip, "ipv4_mapped", None) or ip  # ::ffff:10.0.0.1 is 10.0.0.1
    return any(ip in n for n in nets)


def _host(hop: str) -> str:
    host = hop[1:].split("]")[0] if hop.startswith("[") else hop
    if host.count(":") == 1:  # IPv4 with a port
        host = host.split(":")[0]
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return _printable(hop[:64])


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() and not c.isspace() else "?" for c in text)
