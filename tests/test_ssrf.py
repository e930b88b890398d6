"""The SSRF guard (issue 8): every address form that reaches a private network is refused.

Each URL below points, one way or another, at loopback, a private network, a
link-local address or a cloud metadata service. With allow_private_addresses
off (the default) the fetcher refuses it before sending anything: on the
first hop, and after every redirect. The loopback TestWeb records every
request, so "refused" means the server saw none.
"""

from __future__ import annotations

import pytest

from faultweb import PUBLIC_IP, PublicFacade, public_base
from monitor.errors import BlockedURL, FetchError
from monitor.fetch import Fetcher
from monitor.types import Settings

GUARDED = Settings(allow_private_addresses=False, host_delay=0.0, retries=0, connect_timeout=1.0, read_timeout=1.0)

#: {port} is the TestWeb's port, so a guard that let one through would reach it.
FORBIDDEN = [
    # loopback, in every spelling the resolver accepts
    "http://127.0.0.1:{port}/secret",
    "http://localhost:{port}/secret",
    "http://LOCALHOST:{port}/secret",
    "http://localhost.:{port}/secret",
    "http://127.0.0.1.:{port}/secret",
    "http://127.1:{port}/secret",
    "http://127.0.1:{port}/secret",
    "http://2130706433:{port}/secret",          # decimal
    "http://0x7f000001:{port}/secret",          # hexadecimal
    "http://0x7f.0.0.1:{port}/secret",
    "http://017700000001:{port}/secret",        # octal, whole
    "http://0177.0.0.1:{port}/secret",          # octal, dotted
    "http://0:{port}/secret",
    "http://0.0.0.0:{port}/secret",
    "http://[::1]:{port}/secret",
    "http://[0:0:0:0:0:0:0:1]:{port}/secret",
    "http://[::ffff:127.0.0.1]:{port}/secret",  # IPv4-mapped
    "http://[::ffff:7f00:1]:{port}/secret",
    "http://[::127.0.0.1]:{port}/secret",       # IPv4-compatible (deprecated)
    "http://[2002:7f00:1::]:{port}/secret",     # 6to4 wrapping 127.0.0.1
    "http://[64:ff9b::7f00:1]:{port}/secret",   # NAT64 wrapping 127.0.0.1
    # private networks
    "http://10.0.0.1/",
    "http://172.16.0.1/",
    "http://172.31.255.254/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",                       # carrier-grade NAT
    "http://[fc00::1]/",
    "http://[fd12:3456::1]/",
    "http://[::ffff:10.0.0.1]/",
    "http://[2002:a00:1::]/",                   # 6to4 wrapping 10.0.0.1
    # link-local
    "http://169.254.1.1/",
    "http://[fe80::1]/",
    # cloud metadata services
    "http://169.254.169.254/latest/meta-data/",
    "http://2852039166/latest/meta-data/",      # 169.254.169.254 in decimal
    "http://0xa9fea9fe/latest/meta-data/",
    "http://[::ffff:169.254.169.254]/latest/meta-data/",
    "http://[fd00:ec2::254]/latest/meta-data/",
    "http://100.100.100.200/latest/meta-data/",  # Alibaba's, in the CGNAT range
    # multicast, broadcast, reserved
    "http://224.0.0.1/",
    "http://255.255.255.255/",
    "http://240.0.0.1/",
]


def refused_on_purpose(error: FetchError) -> bool:
    """BlockedURL; or, for spellings httpx cannot parse (0177.0.0.1) or this resolver
    does not know (a trailing dot), an invalid-URL or resolution error: refused all the same."""
    return isinstance(error, BlockedURL) or any(
        words in str(error) for words in ("invalid URL", "Invalid IPv4", "cannot resolve")
    )


def port_of(web) -> str:
    return web.base.rsplit(":", 1)[1]


@pytest.mark.parametrize("url", FORBIDDEN)
async def test_a_url_to_a_non_public_address_is_refused_before_any_request(web, url):
    web.route("/secret", "the crown jewels")
    async with Fetcher(GUARDED) as fetcher:
        with pytest.raises(FetchError) as refused:
            await fetcher.fetch(url.format(port=port_of(web)))
    assert refused_on_purpose(refused.value)
    assert web.requests == []


@pytest.mark.parametrize("url", FORBIDDEN)
async def test_a_redirect_to_a_non_public_address_is_refused(web, url):
    """The first hop is public (PublicFacade serves it from the TestWeb); the redirect is not."""
    target = url.format(port=port_of(web))
    web.route("/start", status=302, headers={"Location": target})
    web.route("/secret", "the crown jewels")
    async with Fetcher(GUARDED, transport=PublicFacade()) as fetcher:
        with pytest.raises(FetchError) as refused:
            await fetcher.fetch(public_base(web) + "/start")
    assert refused_on_purpose(refused.value)
    assert web.hits("/secret") == 0


async def test_each_hop_of_a_redirect_chain_is_checked(web):
    web.route("/one", status=301, headers={"Location": "/two"})
    web.route("/two", status=302, headers={"Location": f"http://127.0.0.1:{port_of(web)}/secret"})
    web.route("/secret", "the crown jewels")
    async with Fetcher(GUARDED, transport=PublicFacade()) as fetcher:
        with pytest.raises(BlockedURL, match="redirect to"):
            await fetcher.fetch(public_base(web) + "/one")
    assert [r.path for r in web.requests if r.path != "/robots.txt"] == ["/one", "/two"]


async def test_a_public_address_passes_the_guard(web):
    web.route("/page", "public page", headers={"Content-Type": "text/plain"})
    async with Fetcher(GUARDED, transport=PublicFacade()) as fetcher:
        fetched = await fetcher.fetch(f"http://{PUBLIC_IP}:{port_of(web)}/page")
    assert fetched.text == "public page"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "2130706433", "127.1"])
async def test_allow_private_addresses_lets_loopback_through_on_purpose(web, host):
    web.route("/page", "local page", headers={"Content-Type": "text/plain"})
    settings = Settings(allow_private_addresses=True, host_delay=0.0, retries=0, respect_robots=False)
    async with Fetcher(settings) as fetcher:
        fetched = await fetcher.fetch(f"http://{host}:{port_of(web)}/page")
    assert fetched.text == "local page"


@pytest.mark.parametrize(
    "address, public",
    [
        ("2002:7f00:1::", False),      # 6to4 around 127.0.0.1: Python alone calls it global
        ("2002:a9fe:a9fe::", False),   # 6to4 around the metadata address
        ("2002:5db8:d70e::", True),    # 6to4 around a public address
        ("::ffff:169.254.169.254", False),
        ("64:ff9b::a9fe:a9fe", False),
    ],
)
def test_addresses_wrapped_in_ipv6_are_judged_by_the_ipv4_inside(address, public):
    from ipaddress import ip_address

    from monitor.fetch import is_public_address

    assert is_public_address(ip_address(address)) is public
