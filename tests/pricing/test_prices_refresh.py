"""`prices update` against a real HTTP server on localhost: success, bad data, errors, no network."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from cli.main import main
from pricing.catalog import load_price_catalog
from pricing.refresh import RefreshError, update_prices


def _provider(i: int, price: float) -> dict:
    return {
        "id": f"prov{i}",
        "name": f"Provider {i}",
        "api_pattern": f"https://prov{i}\\.example",
        "models": [
            {"id": "model-a", "match": {"equals": "model-a"}, "prices": {"input_mtok": price, "output_mtok": 4 * price}}
        ],
    }


VALID = json.dumps([_provider(i, 1.5) for i in range(12)]).encode()


class _Handler(BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, tuple[int, bytes]]] = {}

    def do_GET(self):
        status, body = self.routes.get(self.path, (404, b"not found"))
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    _Handler.routes = {
        "/ok.json": (200, VALID),
        "/broken.json": (200, VALID[: len(VALID) // 2]),
        "/few.json": (200, json.dumps([_provider(0, 1.0)]).encode()),
        "/schema.json": (200, json.dumps([{"id": "x"}] * 12).encode()),
        "/error.json": (500, b"oops"),
    }
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_update_installs_validated_data_and_catalog_uses_it(server, tmp_path):
    target = tmp_path / "cache" / "genai-prices-data.json"
    result = update_prices(f"{server}/ok.json", target=target)
    assert result.providers == 12 and result.models == 12
    assert target.read_bytes() == VALID
    catalog = load_price_catalog(target)
    assert "fetched" in catalog.version
    _, model = catalog.find("prov3", "model-a", "t", "m")
    assert float(model.get_prices(__import__("datetime").datetime.now()).input_mtok) == 1.5


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/broken.json", "not valid genai-prices data"),
        ("/schema.json", "not valid genai-prices data"),
        ("/few.json", "only 1 providers"),
        ("/error.json", "HTTP 500"),
        ("/missing.json", "HTTP 404"),
    ],
)
def test_bad_update_keeps_last_good_copy(server, tmp_path, path, message):
    target = tmp_path / "genai-prices-data.json"
    update_prices(f"{server}/ok.json", target=target)
    with pytest.raises(RefreshError, match=message):
        update_prices(f"{server}{path}", target=target)
    assert target.read_bytes() == VALID
    assert not list(tmp_path.glob(".prices-*")), "no partial file is left behind"


def test_second_update_keeps_previous_copy(server, tmp_path):
    target = tmp_path / "genai-prices-data.json"
    update_prices(f"{server}/ok.json", target=target)
    update_prices(f"{server}/ok.json", target=target)
    assert (tmp_path / "genai-prices-data.previous.json").read_bytes() == VALID


def test_no_network_gives_a_clear_message(tmp_path):
    with pytest.raises(RefreshError, match=r"cannot reach .* no network\? kept the old prices"):
        update_prices("http://127.0.0.1:9/data.json", target=tmp_path / "d.json", timeout_s=2)


def test_damaged_cache_falls_back_to_bundled(tmp_path):
    target = tmp_path / "genai-prices-data.json"
    target.write_text("{not json")
    assert "bundled" in load_price_catalog(target).version


def test_cli_update_and_list(server, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("INFERENCE_ROI_CACHE", str(tmp_path))
    assert main(["prices", "update", "--url", f"{server}/error.json"]) == 2
    assert "HTTP 500" in capsys.readouterr().err
    assert main(["prices", "update", "--url", f"{server}/ok.json"]) == 0
    assert "12 providers" in capsys.readouterr().out
    assert main(["prices", "list", "--provider", "prov2"]) == 0
    out = capsys.readouterr().out
    assert "fetched" in out and "prov2\tmodel-a\t1.5 / 1.5 / 6" in out


def test_cli_refuses_a_negative_price_feed_with_one_line_and_keeps_the_copy(server, tmp_path, monkeypatch, capsys):
    """A feed with a negative price would show negative API costs in every later `compare`: refused, exit 2."""
    negative = [_provider(i, 1.5) for i in range(12)]
    negative[5]["models"][0]["prices"]["output_mtok"] = -2
    _Handler.routes["/negative.json"] = (200, json.dumps(negative).encode())
    monkeypatch.setenv("INFERENCE_ROI_CACHE", str(tmp_path))
    assert main(["prices", "update", "--url", f"{server}/ok.json"]) == 0
    installed = (tmp_path / "genai-prices-data.json").read_bytes()
    capsys.readouterr()
    assert main(["prices", "update", "--url", f"{server}/negative.json"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "prov5/model-a.output_mtok is -2" in err and "kept the old prices" in err
    assert (tmp_path / "genai-prices-data.json").read_bytes() == installed
