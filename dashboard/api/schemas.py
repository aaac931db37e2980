"""Pydantic models of what the API accepts and returns; the OpenAPI document is built from them."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from dashboard.services.analysis import VARIABLES
from dashboard.services.audit import SORTABLE, AuditQuery
from ml.categories import CATEGORIES
from ml.models.registry import MODEL_NAMES, PRIMARY

CATEGORY_NAMES = tuple(CATEGORIES)
MAX_ID = 2**31 - 1  # ids and versions fit a 32-bit column on every database
BIVARIATE_VARIABLES = tuple(VARIABLES)
Category = str


class ErrorBody(BaseModel):
    code: str = Field(examples=["product_not_found"])
    message: str = Field(examples=["No product has this id."])
    details: dict[str, Any] = Field(default_factory=dict)


class ErrorOut(BaseModel):
    """Every API error has this shape."""

    error: ErrorBody


class HealthOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    status: Literal["ok", "degraded", "unavailable"]
    database: Literal["ok", "unavailable"]
    redis: Literal["ok", "unavailable", "not_configured"] = Field(
        description="degraded when unavailable: caches and rate limits then hold per process."
    )
    version: str = Field(examples=["0.1.0"])


class ProductHit(BaseModel):
    uniq_id: str = Field(examples=["c2d766ca982eca8304150849735ffef9"])
    name: str
    brand: str | None
    category: str = Field(examples=["Home Furnishing"])
    split: str = Field(examples=["test"])
    image_url: str


class ProductSearchOut(BaseModel):
    """One page of the products that match, best first."""

    total: int = Field(ge=0, description="How many products match in all.")
    limit: int
    offset: int
    items: list[ProductHit]


class ProductOut(BaseModel):
    uniq_id: str = Field(examples=["c2d766ca982eca8304150849735ffef9"])
    pid: str | None
    name: str
    category: str = Field(examples=["Home Furnishing"])
    category_tree: str
    split: str = Field(examples=["train"])
    brand: str | None
    description: str
    retail_price: float | None
    discounted_price: float | None
    product_rating: float | None
    overall_rating: float | None
    is_fk_advantage: bool | None
    product_url: str | None
    specifications: str | None
    image_sha256: str
    image_url: str = Field(examples=["/api/products/c2d766ca982eca8304150849735ffef9/image"])


class Neighbour(BaseModel):
    uniq_id: str
    name: str
    category: str
    score: float = Field(description="Cosine similarity of the fused embeddings.")
    same_category: bool
    image_url: str


class SimilarOut(BaseModel):
    product_id: str
    category: str
    k: int
    neighbours: list[Neighbour]


class PredictJson(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"image_base64": "iVBORw0KGgo...", "text": "Baby bib"}]}
    )
    image_base64: str | None = Field(None, description="The image file, base64-encoded.")
    text: str | None = Field(None, description="Product name and description.")
    product_id: str | None = Field(None, description="A catalogue product (uniq_id).")


class PredictMultipart(BaseModel):
    image: bytes | None = Field(
        None, description="JPEG, PNG or WebP file.", json_schema_extra={"format": "binary"}
    )
    text: str | None = Field(None, description="Product name and description.")
    product_id: str | None = Field(None, description="A catalogue product (uniq_id).")


class PredictionOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "prediction_id": 42,
                    "category": "Watches",
                    "confidence": 0.93,
                    "probabilities": {c: 0.01 for c in CATEGORIES},
                    "model": PRIMARY,
                    "model_version": 1,
                    "fallback": False,
                    "needs_review": False,
                    "prediction_set": ["Watches"],
                    "review_reasons": [],
                    "review": "Watches: no review needed.",
                    "latency_ms": 4.1,
                    "request_id": "3f1c0b7e9a8d4c2b",
                }
            ]
        }
    )
    prediction_id: int
    category: str
    confidence: float
    probabilities: dict[str, float]
    model: str
    model_version: int
    fallback: bool = Field(description="True when the image-only fallback answered.")
    needs_review: bool
    prediction_set: list[str] = Field(
        description="Conformal prediction set at 90% coverage, most probable first: the "
        "categories the model cannot rule out."
    )
    review_reasons: list[
        Literal["low_confidence", "several_categories", "no_category", "unlike_catalogue"]
    ] = Field(description="Why the answer needs review; empty when it does not.")
    review: str = Field(description="The same in words, for people.")
    latency_ms: float
    request_id: str


class ImageAttribution(BaseModel):
    mode: Literal["cells", "pixels"]
    grid: list[list[float]] = Field(description="7x7 SHAP values, rows top to bottom.")
    base_value: float
    output_value: float
    quadrant_shares: dict[str, float]
    summary: str
    seconds: float
    evaluations: int


class TokenValue(BaseModel):
    token: str
    value: float


class TextAttribution(BaseModel):
    base_value: float
    output_value: float
    tokens: list[TokenValue]
    other_words: float


class ExplanationOut(BaseModel):
    prediction_id: int
    model: str
    model_version: int
    target: str
    cached: bool
    probabilities: dict[str, float]
    image: ImageAttribution
    text: TextAttribution | None


class ExplanationPendingOut(BaseModel):
    """A pixel-level map being computed in the background: ask the same address again."""

    prediction_id: int
    status: Literal["queued", "running"]
    started_now: bool  # this request queued it (and spent one from the explanation budget)
    done: int = Field(ge=0, description="Model evaluations done so far.")
    total: int = Field(ge=0, description="Model evaluations the map needs.")
    retry_after: int = Field(ge=1, description="Seconds to wait before asking again.")


class ModelInfoOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    classes: list[str]
    serving: dict[str, dict[str, Any] | None]
    review_threshold: float
    backbone: dict[str, Any]
    models: list[dict[str, Any]]


class ActivateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(examples=[PRIMARY])
    version: int = Field(ge=1, le=MAX_ID, examples=[2])


class ActivatedOut(BaseModel):
    name: str
    version: int
    active: bool


def _known_model(name: str) -> str:
    if name not in MODEL_NAMES:
        raise ValueError(f"unknown model; known: {', '.join(MODEL_NAMES)}")
    return name


# A model's name, one of ml.models.registry.MODEL_NAMES.
ModelName = Annotated[
    str, AfterValidator(_known_model), Field(json_schema_extra={"enum": list(MODEL_NAMES)})
]


class ShadowIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: ModelName = Field(examples=[PRIMARY])
    version: int = Field(ge=1, le=MAX_ID, examples=[3])


class PromoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: ModelName = Field(examples=[PRIMARY])


class ModelChangeOut(BaseModel):
    action: str  # activate, shadow, unshadow or promote
    name: str
    version: int
    replaced_version: int | None


class ShadowsOut(BaseModel):
    shadows: list[dict[str, Any]]
    events: list[dict[str, Any]]


class AuditPageOut(BaseModel):
    total: int
    page: int
    page_size: int
    pages: int
    items: list[dict[str, Any]]


class DriftReportOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: int
    created_at: str | None
    reference_size: int
    current_size: int
    share_drifted: float
    dataset_drift: bool
    html_url: str


class BivariateOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    x: str
    y: str
    by: str
    n: int
    pearson: float | None
    spearman: float | None
    reading: str
    groups: list[dict[str, Any]]
    sampled: bool
    points: list[dict[str, Any]]


def _audit_params() -> tuple[tuple[str, dict[str, Any], str], ...]:
    schema = AuditQuery.model_json_schema()
    out = []
    for name, prop in schema["properties"].items():
        prop = dict(prop)
        text = prop.pop("description", name.replace("_", " ").capitalize() + ".")
        prop.pop("title", None)
        if name == "category":
            prop = {"type": "string", "enum": list(CATEGORIES)}
        elif name == "sort":
            prop = {"type": "string", "enum": [*SORTABLE, *(f"-{c}" for c in SORTABLE)]}
        out.append((name, prop, text))
    return tuple(out)


AUDIT_QUERY_PARAMS = _audit_params()


class ReviewShown(BaseModel):
    model: str | None = Field(description="The model that answered (None: a catalogue label).")
    model_version: int | None
    category: str = Field(description="The category the reviewer was shown.")
    confidence: float | None


class ReviewOut(BaseModel):
    """One recorded decision; never changed afterwards (a new decision supersedes it)."""

    id: int
    created_at: str
    username: str | None
    subject: Literal["prediction", "product"]
    prediction_id: int | None
    product_id: str | None
    shown: ReviewShown
    decision: Literal["confirm", "correct"]
    category: str = Field(description="The category the reviewer decided on.")
    comment: str | None


class ReviewPageOut(BaseModel):
    total: int
    page: int
    page_size: int
    pages: int
    items: list[ReviewOut]


class BatchJobMultipart(BaseModel):
    catalogue: bytes = Field(
        description="Flipkart-format CSV (uniq_id and image columns at least; product_name and "
        "description are read when present).",
        json_schema_extra={"format": "binary"},
    )
    images: bytes = Field(
        description="ZIP archive of the image files the CSV names (by file name).",
        json_schema_extra={"format": "binary"},
    )


class BatchJobOut(BaseModel):
    id: str
    state: Literal["running", "done", "cancelled", "failed"]
    source_name: str
    created_at: str
    username: str | None
    total: int
    done: int
    scored: int
    refused: int
    chunks: int
    chunks_done: int
    failures: list[str]
    results_url: str | None


class BatchJobsOut(BaseModel):
    items: list[BatchJobOut]
