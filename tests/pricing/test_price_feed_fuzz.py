"""Hostile price feeds, generated: any value in any price field (or any field at all) of a small genai-prices
feed, served over a real local HTTP server, is either installed with every price finite and non-negative, or
refused in one line with the copy in use byte-identical."""

from __future__ import annotations

import copy
import http.server
import json
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pricing.catalog import load_price_catalog
from pricing.refresh import RefreshError, update_prices
from tests.pricing.test_prices_refresh import VALID

BASE = json.loads(VALID)
SERVED: dict[str, bytes] = {"body": VALID}


class _Feed(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = SERVED["body"]
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        return


@pytest.fixture(scope="module")
def feed_url():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Feed)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/data.json"
    server.shutdown()


def _leaves(node: object, path: tuple = ()) -> list[tuple]:
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    out = []
    for key, value in items:
        out.append((*path, key))
        out.extend(_leaves(value, (*path, key)))
    return out


LEAVES = _leaves(BASE)
PRICE_LEAVES = [p for p in LEAVES if p[-1] in ("input_mtok", "output_mtok")]
HOSTILE = st.one_of(
    st.sampled_from(
        [
            "NaN",
            "Infinity",
            "-Infinity",
            "1e400",
            "-1",
            "-0.0",
            "1e308",
            "true",
            "null",
            '"1.5"',
            "[1]",
            '{"base": -1, "tiers": []}',
            '{"base": 1, "tiers": [{"start": 10, "price": -2}]}',
            '"x"',
            "0",
        ]
    ),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
)


def _served(path: tuple, raw: str) -> bytes:
    doc = copy.deepcopy(BASE)
    node = doc
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = "__HOSTILE__"
    return json.dumps(doc).replace('"__HOSTILE__"', raw).encode()


def _check(feed_url: str, target: Path, body: bytes) -> str:
    SERVED["body"] = body
    before = target.read_bytes()
    try:
        update_prices(feed_url, target=target, timeout_s=5, deadline_s=10)
    except RefreshError as err:
        assert "\n" not in str(err) and str(err).endswith("kept the old prices"), str(err)
        assert target.read_bytes() == before
        return "refused"
    catalog = load_price_catalog(target)
    for provider in catalog.providers:
        for model in provider.models:
            prices = model.prices if isinstance(model.prices, list) else [model.prices]
            for card in prices:
                card = getattr(card, "prices", card)
                for value in (card.input_mtok, card.output_mtok):
                    base = getattr(value, "base", value)
                    assert base is None or 0 <= float(base) < float("inf")
    return "installed"


@pytest.fixture
def installed(tmp_path: Path) -> Path:
    target = tmp_path / "genai-prices-data.json"
    target.write_bytes(VALID)
    return target


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(PRICE_LEAVES), raw=HOSTILE)
def test_any_price_value_is_installed_finite_or_refused_in_one_line(feed_url, installed, path, raw):
    _check(feed_url, installed, _served(path, raw))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(LEAVES), raw=HOSTILE)
def test_any_field_of_the_feed_made_hostile_is_installed_or_refused(feed_url, installed, path, raw):
    _check(feed_url, installed, _served(path, raw))


def test_a_negative_price_is_refused_and_a_valid_feed_installed(feed_url, installed):
    assert _check(feed_url, installed, _served(PRICE_LEAVES[0], "-1")) == "refused"
    assert _check(feed_url, installed, VALID.replace(b"1.5", b"2.5")) == "installed"


def test_a_damaged_cached_copy_falls_back_to_the_bundled_prices(tmp_path):
    for damage in (b"[" * 100_000, b"\xff\xfe garbage", b"[]" + b" " * 10, json.dumps(BASE).encode()[:50]):
        cached = tmp_path / "genai-prices-data.json"
        cached.write_bytes(damage)
        assert "(bundled)" in load_price_catalog(cached).version
