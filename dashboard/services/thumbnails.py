"""Small JPEG renderings of the photo behind a recorded prediction (audit rows, lists)."""

from __future__ import annotations

import io

from dashboard.services import imagestore
from dashboard.services.serving import image_limits
from dashboard.services.state import Services
from db.engine import session_scope
from db.repo_predictions import get_prediction
from ml.images import ImageRejected, decode_image

SIZES = (48, 96, 224)


class NoPhoto(LookupError):
    pass


def prediction_thumbnail(
    services: Services, prediction_id: int, *, size: int, only_by: int | None = None
) -> tuple[bytes, str]:
    """(JPEG bytes, ETag) of the prediction's photo fitted in `size` pixels. With `only_by`,
    another account's prediction is one that does not exist, as for its explanation."""
    with session_scope(services.sessions) as session:
        row = get_prediction(session, prediction_id)
        if row is None or (only_by is not None and row.user_id != only_by):
            raise NoPhoto(f"no prediction #{prediction_id}")
        sha = row.image_sha256
    etag = f"{sha}-{size}"
    key = f"thumbnail:{etag}"
    cached = services.results.get(key)
    if isinstance(cached, bytes):
        return cached, etag
    path = imagestore.find(services.settings.data_dir, sha)
    if path is None:
        raise NoPhoto("the photo of this prediction is no longer stored")
    try:
        image = decode_image(path.read_bytes(), image_limits(services))
    except ImageRejected as exc:  # accepted once; the limits may have tightened since
        raise NoPhoto("the stored photo can no longer be read") from exc
    image.thumbnail((size, size))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    services.results.set(key, out.getvalue())
    return out.getvalue(), etag
