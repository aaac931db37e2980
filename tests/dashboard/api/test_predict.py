"""POST /api/predict: both body formats, the fallback, every refusal, one audit row per answer."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from dashboard.services.training import catalogue_data
from dashboard.settings import Settings
from dashboard.web.app import create_app
from dashboard.web.context import services as services_of
from db.engine import session_scope
from db.repo_predictions import count_predictions, get_prediction


@pytest.fixture(scope="module")
def app(trained_settings: Settings):  # type: ignore[no-untyped-def]
    settings = trained_settings.model_copy(update={"max_upload_mb": 0.5, "max_pixels": 1_000_000})
    return create_app(settings)


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture(scope="module")
def sample(app):  # type: ignore[no-untyped-def]
    data = catalogue_data(services_of(app))
    return data.image_paths[0].read_bytes(), data.texts[0], data.ids[0]


def _rows(app) -> int:  # type: ignore[no-untyped-def]
    with session_scope(services_of(app).sessions) as session:
        return count_predictions(session)


def _png(size: tuple[int, int] = (64, 64)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, "PNG")
    return out.getvalue()


def test_multipart_with_text_uses_fusion_and_records_one_row(app, client, sample) -> None:  # type: ignore[no-untyped-def]
    image, text, _ = sample
    before = _rows(app)
    response = client.post(
        "/api/predict",
        data={"image": (io.BytesIO(image), "p.jpg"), "text": text or "a product"},
        headers={"X-Request-ID": "test-req-1"},
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert set(body) >= {
        "prediction_id",
        "category",
        "confidence",
        "probabilities",
        "model",
        "model_version",
        "fallback",
        "needs_review",
        "prediction_set",
        "review_reasons",
        "review",
        "latency_ms",
    }
    assert body["model"] == "fusion" and body["fallback"] is False
    assert abs(sum(body["probabilities"].values()) - 1) < 1e-5
    assert _rows(app) == before + 1
    with session_scope(services_of(app).sessions) as session:
        row = get_prediction(session, body["prediction_id"])
        assert row is not None
        assert row.source == "api" and row.request_id == "test-req-1"
        assert row.category == body["category"]
        assert row.text_length > 0 and row.text_sha256 is not None
        assert set(row.drift_features) >= {
            "brightness",
            "contrast",
            "colourfulness",
            "aspect_ratio",
            "file_kb",
            "embedding_0",
        }


def test_json_without_text_falls_back_to_vit(app, client, sample) -> None:  # type: ignore[no-untyped-def]
    image, _, _ = sample
    response = client.post(
        "/api/predict", json={"image_base64": base64.b64encode(image).decode(), "text": ""}
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["model"] == "vit" and body["fallback"] is True


def test_a_photo_unlike_the_catalogue_needs_review_and_says_why(app, client) -> None:  # type: ignore[no-untyped-def]
    # A flat grey square: nothing like a product photo of the catalogue.
    buffer = io.BytesIO()
    Image.new("RGB", (224, 224), (128, 128, 128)).save(buffer, "PNG")
    response = client.post(
        "/api/predict", json={"image_base64": base64.b64encode(buffer.getvalue()).decode()}
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["needs_review"] is True and body["fallback"] is True
    assert "unlike_catalogue" in body["review_reasons"]
    assert ": needs review, because " in body["review"]
    assert "the photo is unlike the catalogue" in body["review"]
    assert body["prediction_set"] and set(body["prediction_set"]) <= set(body["probabilities"])
    # The audit row keeps the set and the reasons, and the audit API returns them.
    with session_scope(services_of(app).sessions) as session:
        row = get_prediction(session, body["prediction_id"])
        assert row is not None
        assert row.prediction_set == body["prediction_set"]
        assert row.review_reasons == ",".join(body["review_reasons"])
    audited = client.get("/api/audit/predictions?needs_review=true&page_size=200").get_json()
    [listed] = [r for r in audited["items"] if r["prediction_id"] == body["prediction_id"]]
    assert listed["prediction_set"] == body["prediction_set"]
    assert listed["review_reasons"] == row.review_reasons


def test_product_id_alone_uses_its_photo_and_text(app, client, sample) -> None:  # type: ignore[no-untyped-def]
    _, _, product_id = sample
    response = client.post("/api/predict", json={"product_id": product_id})
    assert response.status_code == 200
    with session_scope(services_of(app).sessions) as session:
        row = get_prediction(session, response.get_json()["prediction_id"])
        assert row is not None and row.product_uniq_id == product_id


@pytest.mark.parametrize(
    ("make_request", "status", "code"),
    [
        (lambda c: c.post("/api/predict", data={"text": "no image"}), 400, "missing_image"),
        (
            lambda c: c.post("/api/predict", data={"image": (io.BytesIO(b""), "e.jpg")}),
            400,
            "image_empty",
        ),
        (
            lambda c: c.post("/api/predict", data={"image": (io.BytesIO(b"hello"), "t.bin")}),
            422,
            "image_unreadable",
        ),
        (lambda c: c.post("/api/predict", json={"image_base64": "***"}), 400, "invalid_base64"),
        (
            lambda c: c.post("/api/predict", data="x", content_type="text/plain"),
            415,
            "unsupported_media_type",
        ),
        (
            lambda c: c.post("/api/predict", data="{not json", content_type="application/json"),
            400,
            "invalid_json",
        ),
        (lambda c: c.post("/api/predict", json={"product_id": "nope"}), 404, "product_not_found"),
        (lambda c: c.post("/api/predict", json={"image_base64": 5}), 422, "invalid_body"),
        (
            lambda c: c.post(
                "/api/predict", data={"image": (io.BytesIO(_png((2000, 1000))), "big.png")}
            ),
            413,
            "image_too_many_pixels",
        ),
        (
            lambda c: c.post(
                "/api/predict", data={"image": (io.BytesIO(b"\0" * 700_000), "huge.jpg")}
            ),
            413,
            "image_too_large",
        ),
        (
            lambda c: c.post(
                "/api/predict", data={"image": (io.BytesIO(_png()), "p.png"), "text": "x" * 20_001}
            ),
            422,
            "text_too_long",
        ),
        # Base64 of a file over the 0.5 MB limit: the image is too large, not the JSON bad.
        (
            lambda c: c.post(
                "/api/predict", json={"image_base64": base64.b64encode(b"\0" * 700_000).decode()}
            ),
            413,
            "image_too_large",
        ),
        # A body over the request limit itself.
        (
            lambda c: c.post(
                "/api/predict",
                json={"image_base64": base64.b64encode(b"\0" * 3_000_000).decode()},
            ),
            413,
            "request_entity_too_large",
        ),
    ],
)
def test_refusals_are_json_and_record_nothing(
    app,
    client,
    make_request,
    status: int,  # type: ignore[no-untyped-def]
    code: str,
) -> None:
    before = _rows(app)
    response = make_request(client)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.get_json()["error"]["code"] == code
    assert _rows(app) == before


@pytest.mark.parametrize(
    "text", ["a watch\x00", "\x1b[31mred", "nul \x00 in the middle", "lone \ud800 half", "\x7f"]
)
def test_text_with_control_characters_is_refused_before_anything_is_stored(  # type: ignore[no-untyped-def]
    app, client, text: str
) -> None:
    """PostgreSQL refuses NUL: the text is checked before the photo is kept or a row written."""
    stored = services_of(app).settings.data_dir / "images"
    photo = _png((64, 65))  # a photo no other test sends, so its file would be new
    before_files = sorted(stored.rglob("*")) if stored.exists() else []
    before = _rows(app)
    answers = [
        client.post(
            "/api/predict", json={"image_base64": base64.b64encode(photo).decode(), "text": text}
        )
    ]
    if "\ud800" not in text:  # half a UTF-16 pair only travels as a JSON escape
        form = {"image": (io.BytesIO(photo), "p.png"), "text": text}
        answers.append(client.post("/api/predict", data=form))
    for response in answers:
        assert response.status_code == 422, response.get_data(as_text=True)
        error = response.get_json()["error"]
        assert error["code"] == "text_control_characters"
        assert "only tabs and line breaks" in error["message"]
    assert _rows(app) == before
    assert (sorted(stored.rglob("*")) if stored.exists() else []) == before_files


def test_tabs_and_line_breaks_in_text_are_fine(app, client) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        "/api/predict",
        data={"image": (io.BytesIO(_png()), "p.png"), "text": "Watch\tsteel\r\nanalog\n"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)


def test_gif_is_unsupported(app, client) -> None:  # type: ignore[no-untyped-def]
    gif = io.BytesIO()
    Image.new("RGB", (8, 8)).save(gif, "GIF")
    response = client.post("/api/predict", data={"image": (io.BytesIO(gif.getvalue()), "a.gif")})
    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "image_unsupported_format"


def test_without_trained_models_predict_is_503(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from dashboard.web.resources import migrations_dir
    from db import migrations
    from tests.conftest import make_settings

    url = f"sqlite:///{tmp_path / 'empty.db'}"
    migrations.upgrade(url, migrations_dir())
    client = create_app(make_settings(tmp_path, url)).test_client()
    response = client.post("/api/predict", data={"image": (io.BytesIO(_png()), "p.png")})
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "models_not_ready"


def test_failed_audit_write_returns_503_and_no_prediction(
    app,
    client,
    sample,  # type: ignore[no-untyped-def]
    monkeypatch,
) -> None:
    from sqlalchemy.exc import OperationalError

    import dashboard.services.prediction as prediction_module

    def broken(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr(prediction_module, "record_prediction", broken)
    image, text, _ = sample
    before = _rows(app)
    response = client.post(
        "/api/predict", data={"image": (io.BytesIO(image), "p.jpg"), "text": text or "x"}
    )
    assert response.status_code == 503
    body = response.get_json()
    assert body["error"]["code"] == "audit_unavailable"
    assert "category" not in body and "probabilities" not in body
    assert _rows(app) == before
