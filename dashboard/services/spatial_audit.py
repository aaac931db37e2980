"""The spatial-bias audit: where in the photo the models look, over the test split, stored
as JSON for the Explain page."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image
from tqdm import tqdm

from dashboard.services.explain import NotExplainable, cell_head, mean_fmap, reads_feature_map
from dashboard.services.prediction import predictor_for
from dashboard.services.state import Services
from dashboard.services.training import catalogue_data
from db.engine import session_scope
from db.repo_models import active_versions
from ml import artifacts
from ml.artifacts import IMAGE, TFIDF
from ml.explain import CellExplainer, fusion_cell_function, vit_cell_function
from ml.images import decode_image, to_input
from ml.models.registry import PRIMARY
from ml.predictor import ServingHead
from ml.spatial_audit import accuracy_under, audit
from ml.wording import Phrase

FMAP = artifacts.BACKBONE_OUTPUTS[1]


def audit_path(services: Services) -> Path:
    return services.settings.artifacts_dir / "explain" / "spatial-audit.json"


def run_spatial_audit(
    services: Services, model: str = "vit", limit: int | None = None, progress: bool = True
) -> dict:
    """The spatial-bias audit of `model` over the test split, stored as JSON and returned."""
    predictor = predictor_for(services)
    if model in (predictor.fusion.meta.name, predictor.fallback.meta.name):
        served = predictor.head_for(model)
    else:
        with session_scope(services.sessions) as session:
            version = active_versions(session).get(model)
            if version is None:
                raise NotExplainable(Phrase("%(model)s has no active version", model=model))
            served = ServingHead.load(Path(version.artifact_path))
    if not reads_feature_map(served):
        raise NotExplainable(
            Phrase(
                "the spatial audit needs the hybrid ViT or %(primary)s; use --model %(primary)s",
                primary=PRIMARY,
            )
        )
    reads_text = TFIDF in served.inputs
    classes = served.meta.classes
    data = catalogue_data(services)
    test = data.index("test")[:limit] if limit else data.index("test")
    mean = mean_fmap(services)
    head = cell_head(services) if reads_text else None
    images, texts, labels, grids = [], [], [], []
    for i in tqdm(test, desc="attributions", unit="product", disable=not progress):
        image = decode_image(data.image_paths[i].read_bytes(), predictor.limits)
        (fmap,) = predictor.backbone.run([FMAP], {IMAGE: to_input(image)[None]})
        label = str(data.labels[i])
        target = classes.index(label) if label in classes else 0
        if reads_text:
            tfidf = served.tfidf([data.texts[i]])
            assert head is not None
            cells = fusion_cell_function(
                head, served.head, served.meta.temperature, fmap[0], mean, tfidf, target
            )
        else:
            cells = vit_cell_function(served.head, served.meta.temperature, fmap[0], mean, target)
        grids.append(CellExplainer(cells, max_evals=500).explain(label).grid)
        images.append(image)
        texts.append(data.texts[i] if reads_text else None)
        labels.append(label)

    def predict(batch: list[Image.Image]) -> list[str]:
        encoded = []
        for image in batch:
            buffer = io.BytesIO()
            image.save(buffer, "PNG")
            encoded.append(buffer.getvalue())
        return [p.category for p in predictor.predict_batch(encoded, texts)]

    result = audit(grids, labels, accuracy_under(predict, images, labels)).as_dict()
    result.update(
        {
            "model": model,
            "version": served.meta.version,
            "products": len(labels),
            "created_at": datetime.now(UTC).isoformat(),
        }
    )
    path = audit_path(services)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2))
    return result


def stored_audit(services: Services) -> dict | None:
    path = audit_path(services)
    return json.loads(path.read_text()) if path.exists() else None
