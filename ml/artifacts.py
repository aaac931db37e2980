"""A model version on disk: the fitted estimator, its metadata, and the ONNX files it serves with.

<artifacts>/models/<name>/v<version>/
    model.joblib        the fitted, calibrated estimator (scikit-learn style)
    meta.json           classes, temperature, backbone, metrics, parameter count
    head.onnx           serving head (fusion, vit)
    vectorizer.joblib   TF-IDF vocabulary (fusion)
    text_branch.joblib  the text branch's logistic regression (fusion), for text explanations
                        without unpickling the PyTorch model
    doubt.joblib        when an answer needs review: conformal set, distance (serving heads)
<artifacts>/backbone/<backbone key>/backbone.onnx   shared by every version
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import joblib

META = "meta.json"
MODEL = "model.joblib"
HEAD = "head.onnx"
VECTORIZER = "vectorizer.joblib"
TEXT_BRANCH = "text_branch.joblib"
DOUBT = "doubt.joblib"  # ml.doubt.DoubtModel of a serving head

# The names of the ONNX graphs' inputs and outputs, shared by export and serving.
IMAGE = "image"  # the backbone's input, [N, 3, 224, 224]
BACKBONE_OUTPUTS = ("embedding", "fmap", "stages")
TFIDF = "tfidf"  # a text-reading head's second input
LOGITS = "logits"  # every head's output


@dataclass
class ModelMeta:
    name: str
    version: int
    classes: list[str]
    temperature: float
    backbone_key: str
    backbone_source: str
    n_parameters: int
    metrics: dict[str, Any] = field(default_factory=dict)
    # "fusion", "vit" (hybrid, reads the feature map) or "vit-embedding" (a timm ViT probe, with
    # its own backbone) when the version has an ONNX head.
    serving: str | None = None
    # Augmented views of the training photos it was also fitted on (ml.views); [] for none.
    views: list[str] = field(default_factory=list)

    def save(self, folder: Path) -> None:
        (folder / META).write_text(json.dumps(asdict(self), indent=2))

    @classmethod
    def load(cls, folder: Path) -> ModelMeta:
        return cls(**json.loads((folder / META).read_text()))


def version_dir(artifacts_dir: Path, name: str, version: int) -> Path:
    return artifacts_dir / "models" / name / f"v{version}"


def cell_head_path(artifacts_dir: Path, backbone_key: str) -> Path:
    return artifacts_dir / "backbone" / backbone_key / "cell_head.npz"


def backbone_onnx_path(artifacts_dir: Path, backbone_key: str, *, int8: bool = False) -> Path:
    name = "backbone-int8.onnx" if int8 else "backbone.onnx"
    return artifacts_dir / "backbone" / backbone_key / name


def save_estimator(folder: Path, estimator: Any) -> None:
    joblib.dump(estimator, folder / MODEL)


def load_estimator(folder: Path) -> Any:
    return joblib.load(folder / MODEL)
