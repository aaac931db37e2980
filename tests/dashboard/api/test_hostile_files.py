"""A corpus of hostile uploads against gunicorn: each refused with a 4xx JSON error, none
recorded, none takes a worker down; script and SQL text is stored and returned inertly."""

from __future__ import annotations

import base64
import io
import json
import re
import struct
import time
import urllib.error
import urllib.request
import uuid
import zlib
from pathlib import Path

import pytest
from PIL import Image

from dashboard.services.state import Services
from dashboard.services.training import catalogue_data
from dashboard.settings import Settings
from tests.deploy.servers import gunicorn

pytestmark = pytest.mark.slow


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_header(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr)


def _encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def _jpeg_with_exif(exif_payload: bytes) -> bytes:
    """A valid JPEG with an APP1 Exif segment carrying `exif_payload` verbatim."""
    jpeg = _encode(Image.new("RGB", (64, 64), "red"), "JPEG")
    segment = b"Exif\x00\x00" + exif_payload
    app1 = b"\xff\xe1" + struct.pack(">H", len(segment) + 2) + segment
    return jpeg[:2] + app1 + jpeg[2:]


def _exif_orientation(value: int) -> bytes:
    # Little-endian TIFF header, one IFD entry: Orientation (0x0112), SHORT, count 1.
    return (
        b"II*\x00\x08\x00\x00\x00" + struct.pack("<HHHIHH", 1, 0x0112, 3, 1, value, 0) + b"\0" * 4
    )


def _sof_patched(width: int, height: int) -> bytes:
    """A real JPEG whose frame header claims other dimensions."""
    data = bytearray(_encode(Image.new("RGB", (32, 32), "blue"), "JPEG"))
    at = data.index(b"\xff\xc0") + 5
    data[at : at + 4] = struct.pack(">HH", height, width)
    return bytes(data)


def corpus() -> list[tuple[str, bytes, str, int]]:
    """(name, bytes, declared content type, expected status)."""
    small = Image.new("RGB", (48, 48), "green")
    jpeg = _encode(small, "JPEG")
    png = _encode(small, "PNG")
    frames = [Image.new("RGB", (32, 32), c) for c in ("red", "blue")]
    apng = _encode(frames[0], "PNG", save_all=True, append_images=frames[1:])
    webp_anim = _encode(frames[0], "WEBP", save_all=True, append_images=frames[1:])
    tiff_pages = _encode(frames[0], "TIFF", save_all=True, append_images=frames[1:])
    bomb = _encode(Image.new("1", (8000, 6000)), "PNG", optimize=True)  # 48 Mpx, ~6 kB
    bad_crc = bytearray(png)
    bad_crc[-20] ^= 0xFF
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    html = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
    octet = "application/octet-stream"
    return [
        ("text.jpg", b"hello, this is not an image", octet, 422),
        ("empty.jpg", b"", "image/jpeg", 400),
        ("truncated.jpg", jpeg[: len(jpeg) // 2], octet, 422),
        ("truncated.png", png[: len(png) // 2], octet, 422),
        ("header-only.png", _png_header(60_000, 60_000), octet, 422),  # truncated after IHDR
        ("bomb.png", bomb, "image/png", 413),
        ("huge-sof.jpg", _sof_patched(65_000, 65_000), octet, 413),
        ("zero-size.jpg", _sof_patched(0, 0), octet, 422),
        ("png-as-jpeg.jpg", png, "image/jpeg", 415),
        ("jpeg-as-webp.webp", jpeg, "image/webp", 415),
        ("svg-as-png.png", svg, "image/png", 415),
        ("svg.svg", svg, octet, 422),
        ("html-as-jpeg.jpg", html, "image/jpeg", 415),
        ("html.jpg", html, octet, 422),
        ("animated.png", apng, "image/png", 415),
        ("animated.webp", webp_anim, "image/webp", 415),
        ("pages.tiff", tiff_pages, octet, 415),
        ("gif.gif", _encode(small, "GIF"), octet, 415),
        ("bitmap.bmp", _encode(small, "BMP"), octet, 415),
        ("icon.ico", _encode(small, "ICO"), octet, 415),
        ("bad-crc.png", bytes(bad_crc), octet, 422),
        ("exif-orientation.jpg", _jpeg_with_exif(_exif_orientation(65_535)), octet, 422),
        (
            "exif-garbage.jpg",
            _jpeg_with_exif(b"II*\x00\xff\xff\xff\x7f" + b"\xff" * 64),
            octet,
            422,
        ),
        ("pdf.jpg", b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", octet, 422),
        ("zip.png", b"PK\x03\x04" + b"\x00" * 60, octet, 422),
        ("elf.webp", b"\x7fELF\x02\x01\x01" + b"\x00" * 60, octet, 422),
    ]


def _multipart(name: str, data: bytes, content_type: str, text: str) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="text"\r\n\r\n{text}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="{name}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def _post(url: str, body: bytes, content_type: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _get(url: str) -> dict:  # type: ignore[type-arg]
    with urllib.request.urlopen(url, timeout=60) as response:
        return json.loads(response.read())


def test_corpus_has_at_least_twenty_distinct_cases() -> None:
    files = corpus()
    assert len(files) >= 20
    assert len({(data, declared) for _n, data, declared, _s in files}) == len(files)


def test_hostile_uploads_are_refused_unrecorded_and_no_worker_dies(
    trained_settings: Settings, tmp_path: Path
) -> None:
    with gunicorn(trained_settings, tmp_path, workers=1) as served:
        before = _get(f"{served.url}/api/audit/predictions?page_size=1")["total"]
        booted = served.log().count("Booting worker")
        for name, data, declared, expected in corpus():
            body, content_type = _multipart(name, data, declared, "steel wrist watch")
            status, answer = _post(f"{served.url}/api/predict", body, content_type)
            assert status == expected, (name, status, answer)
            assert set(answer) == {"error"} and {"code", "message", "details"} <= set(
                answer["error"]
            ), name
            assert "Traceback" not in json.dumps(answer), name
        # Base64 that is not base64, and a base64 SVG, through the JSON body.
        for payload, expected in (
            ({"image_base64": "not base64!!"}, 400),
            ({"image_base64": base64.b64encode(b"<svg/>").decode()}, 422),
        ):
            status, _answer = _post(
                f"{served.url}/api/predict", json.dumps(payload).encode(), "application/json"
            )
            assert status == expected, payload
        after = _get(f"{served.url}/api/audit/predictions?page_size=1")["total"]
        assert after == before, "a refused file left an audit row"
        assert served.log().count("Booting worker") == booted, "a worker died and was replaced"
        assert served.process.poll() is None


def _thin(width: int, height: int, fmt: str) -> bytes:
    """A plain image of that shape: tiny once compressed, huge once decoded and resized."""
    return _encode(Image.new("L", (width, height), 200), fmt)


def thin_corpus() -> list[tuple[str, bytes]]:
    return [
        ("strip.png", _thin(100, 400_000, "PNG")),  # 40 Mpx, about 137 kB
        ("needle.png", _thin(16, 2_500_000, "PNG")),
        ("banner.png", _thin(400_000, 100, "PNG")),
        ("tall.jpg", _thin(64, 65_000, "JPEG")),
        ("wide.webp", _thin(16_383, 64, "WEBP")),
        ("just-over.png", _thin(21, 448, "PNG")),  # 21.3:1, a tiny file
    ]


def _worker_peak_mb(master: int) -> float:
    """The highest peak resident memory (VmHWM) of the gunicorn master's workers, in MB."""
    peaks = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) != master:  # the parent pid
                continue
            status = (stat.parent / "status").read_text()
        except (OSError, IndexError, ValueError):
            continue  # a process that ended meanwhile
        peaks.extend(
            int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmHWM:")
        )
    assert peaks, "no gunicorn worker found"
    return max(peaks)


def test_thin_and_tall_images_are_refused_before_they_are_decoded(
    trained_settings: Settings, tmp_path: Path
) -> None:
    square = _encode(Image.new("RGB", (300, 200), "white"), "PNG")
    with gunicorn(trained_settings, tmp_path, workers=1) as served:
        # An ordinary photo first, so the worker's peak already holds everything a prediction
        # needs; what the thin files add on top is what they cost.
        body, content_type = _multipart("ok.png", square, "image/png", "")
        assert _post(f"{served.url}/api/predict", body, content_type)[0] == 200
        # ... and the worker's page warm-up (a thread that fills its caches) done.
        deadline = time.monotonic() + 180
        while "warm-up:" not in served.log() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert "warm-up:" in served.log(), "the worker never finished its warm-up"
        before = _get(f"{served.url}/api/audit/predictions?page_size=1")["total"]
        peak = _worker_peak_mb(served.process.pid)
        for name, data in thin_corpus():
            body, content_type = _multipart(name, data, "application/octet-stream", "")
            status, answer = _post(f"{served.url}/api/predict", body, content_type)
            assert status == 422, (name, status, answer)
            assert answer["error"]["code"] == "image_bad_shape", name
            assert "more than 20 times the other" in answer["error"]["message"]
        assert _get(f"{served.url}/api/audit/predictions?page_size=1")["total"] == before
        # Refused from the header: the worker never held a decoded strip (decoding and
        # resizing the 100 x 400,000 one grew a worker by about 2 GB).
        grown = _worker_peak_mb(served.process.pid) - peak
        assert grown < 100, f"the worker's peak memory grew by {grown:.0f} MB"


def test_script_and_sql_text_is_stored_and_returned_inertly(
    trained_settings: Settings, tmp_path: Path
) -> None:
    data = catalogue_data(Services.from_settings(trained_settings))
    image = data.image_paths[int(data.index("test")[1])].read_bytes()
    hostile = "<script>alert('x')</script> Robert'); DROP TABLE predictions;-- =1+1"
    with gunicorn(trained_settings, tmp_path, workers=1) as served:
        body, content_type = _multipart("p.jpg", image, "image/jpeg", hostile)
        status, answer = _post(f"{served.url}/api/predict", body, content_type)
        assert status == 200
        rows = _get(f"{served.url}/api/audit/predictions?page_size=500")["items"]
        assert any(r["prediction_id"] == answer["prediction_id"] for r in rows)  # table intact
        with urllib.request.urlopen(
            f"{served.url}/api/audit/predictions?format=csv&page_size=500", timeout=60
        ) as response:
            csv_text = response.read().decode()
        # The explanation repeats the words as data, never as markup.
        explained = _get(f"{served.url}/api/predictions/{answer['prediction_id']}/explanation")
    assert re.search(r"^\d", csv_text.splitlines()[1]) or csv_text.splitlines()[1][0] != "="
    tokens = [t["token"] for t in explained["text"]["tokens"]]
    assert all("<" not in t and ">" not in t for t in tokens)
    services = Services.from_settings(trained_settings)
    from db.engine import session_scope
    from db.models import Prediction

    with session_scope(services.sessions) as session:
        stored = session.get(Prediction, answer["prediction_id"])
        assert stored is not None and stored.input_text == hostile
