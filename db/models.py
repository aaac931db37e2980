"""SQLAlchemy 2.0 tables. Schema changes go through Alembic revisions in alembic/versions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.expression import false

# JSONB on PostgreSQL (indexable, compact), plain JSON text on SQLite.
JSONType = JSON().with_variant(JSONB(), "postgresql")
# SQLite only auto-increments INTEGER PRIMARY KEY, so big ids are BIGINT elsewhere only.
BigId = BigInteger().with_variant(Integer(), "sqlite")

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# Indexes only migrations create: PostgreSQL-only expression indexes (revision 0008's trigram
# index for product search) that a model cannot declare for SQLite too. Comparing models with
# a database skips them, so autogenerate never proposes to drop them.
MIGRATION_ONLY_INDEXES = frozenset({"ix_products_search_trgm"})


def include_object(
    _object: object, name: str | None, type_: str, _reflected: bool, _compare_to: object
) -> bool:
    """Alembic's `include_object`: everything but MIGRATION_ONLY_INDEXES."""
    return not (type_ == "index" and name in MIGRATION_ONLY_INDEXES)


class Product(Base):
    """One catalogue product, keyed publicly by the Flipkart `uniq_id`."""

    __tablename__ = "products"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uniq_id: Mapped[str] = mapped_column(String(64), unique=True)
    pid: Mapped[str | None] = mapped_column(String(64))
    product_name: Mapped[str] = mapped_column(Text)
    product_url: Mapped[str | None] = mapped_column(Text)
    crawl_timestamp: Mapped[str | None] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(64), index=True)
    category_tree: Mapped[str] = mapped_column(Text)
    retail_price: Mapped[float | None] = mapped_column(Float)
    discounted_price: Mapped[float | None] = mapped_column(Float)
    image_file: Mapped[str] = mapped_column(String(255))
    image_sha256: Mapped[str] = mapped_column(String(64), index=True)
    is_fk_advantage: Mapped[bool | None] = mapped_column(Boolean)
    description: Mapped[str] = mapped_column(Text, default="")
    product_rating: Mapped[float | None] = mapped_column(Float)
    overall_rating: Mapped[float | None] = mapped_column(Float)
    brand: Mapped[str | None] = mapped_column(String(255))
    specifications: Mapped[str | None] = mapped_column(Text)
    split: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class ModelVersion(Base):
    """A trained model: an artifact folder plus its test metrics. One active per name."""

    __tablename__ = "model_versions"
    __table_args__ = (UniqueConstraint("name", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(32), index=True)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    artifact_path: Mapped[str] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(Boolean, default=False)
    # Scores every live prediction of its model beside the active version, answering nobody
    # (at most one per model name; see dashboard.services.shadow).
    is_shadow: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    backbone: Mapped[str | None] = mapped_column(String(128))
    params_count: Mapped[int | None] = mapped_column(BigInteger)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    notes: Mapped[str | None] = mapped_column(Text)


class Prediction(Base):
    """The audit trail: one row per successful prediction, never updated or deleted."""

    __tablename__ = "predictions"
    __table_args__ = (
        # The audit page sorts newest first within the common filters.
        Index("ix_predictions_category_created_at", "category", "created_at"),
        Index("ix_predictions_source_created_at", "source", "created_at"),
        Index("ix_predictions_model_version_id_created_at", "model_version_id", "created_at"),
        # A distributed batch job records each product once, however often a chunk is retried.
        Index(
            "ix_predictions_batch_job_id_product_uniq_id",
            "batch_job_id",
            "product_uniq_id",
            unique=True,
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )
    request_id: Mapped[str] = mapped_column(String(64), index=True)
    source: Mapped[str] = mapped_column(String(16))
    model_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("model_versions.id", ondelete="RESTRICT")
    )
    model_name: Mapped[str] = mapped_column(String(32))
    model_version: Mapped[int] = mapped_column(Integer)
    product_uniq_id: Mapped[str | None] = mapped_column(String(64), index=True)
    image_sha256: Mapped[str] = mapped_column(String(64))
    text_sha256: Mapped[str | None] = mapped_column(String(64))
    text_length: Mapped[int] = mapped_column(Integer, default=0)
    # Kept so a prediction can be explained later; the image is in the content-addressed store.
    input_text: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(64))
    confidence: Mapped[float] = mapped_column(Float, index=True)
    # The top probability minus the runner-up's: a small margin is a near tie (review queue).
    margin: Mapped[float | None] = mapped_column(Float, index=True)
    probabilities: Mapped[dict[str, float]] = mapped_column(JSONType)
    fallback: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    latency_ms: Mapped[float] = mapped_column(Float)
    drift_features: Mapped[dict[str, float]] = mapped_column(JSONType, default=dict)
    # The conformal prediction set (categories, most probable first) and why the answer needs
    # review, comma-separated codes of ml.doubt.REASONS; NULL on rows from before revision 0004.
    prediction_set: Mapped[list[str] | None] = mapped_column(JSONType)
    review_reasons: Mapped[str | None] = mapped_column(String(128))
    # The signed-in account that asked (NULL: open mode, the CLI, or before revision 0007).
    user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    username: Mapped[str | None] = mapped_column(String(64))
    # The distributed batch job that scored it (NULL otherwise).
    batch_job_id: Mapped[str | None] = mapped_column(String(32))


class BatchJob(Base):
    """A catalogue scored in chunks by Celery workers; its files (input, chunk results, output)
    live in a folder every worker can read (VITRINE_BATCH_DIR)."""

    __tablename__ = "batch_jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )
    user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    username: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))  # running, done, cancelled or failed
    source_name: Mapped[str] = mapped_column(String(255))  # the CSV's file name, as given
    images_dir: Mapped[str] = mapped_column(Text)
    total: Mapped[int] = mapped_column(Integer)  # products in the CSV
    chunk_size: Mapped[int] = mapped_column(Integer)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    error: Mapped[str | None] = mapped_column(Text)


class ShadowAnswer(Base):
    """What the shadow version answered to a live prediction, scored after the live answer was
    returned; never updated or deleted. Apart from `predictions` since that row is written, and
    append-only, before the shadow has answered."""

    __tablename__ = "shadow_answers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )
    # One shadow answer per prediction: a repeated job cannot count twice.
    prediction_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("predictions.id", ondelete="RESTRICT"), unique=True
    )
    model_version_id: Mapped[int] = mapped_column(
        ForeignKey("model_versions.id", ondelete="RESTRICT"), index=True
    )
    model_name: Mapped[str] = mapped_column(String(32))
    model_version: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(64))
    confidence: Mapped[float] = mapped_column(Float)
    probabilities: Mapped[dict[str, float]] = mapped_column(JSONType)
    needs_review: Mapped[bool] = mapped_column(Boolean)
    prediction_set: Mapped[list[str]] = mapped_column(JSONType)
    review_reasons: Mapped[str] = mapped_column(String(128))
    latency_ms: Mapped[float] = mapped_column(Float)


class ModelEvent(Base):
    """Who made which version serve or shadow, and when; never updated or deleted."""

    __tablename__ = "model_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )
    user_id: Mapped[int | None] = mapped_column(Integer)
    username: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))  # activate, shadow, unshadow or promote
    model_name: Mapped[str] = mapped_column(String(32), index=True)
    model_version: Mapped[int] = mapped_column(Integer)
    # The version that was active before (activate, promote): what to go back to.
    replaced_version: Mapped[int | None] = mapped_column(Integer)


class Review(Base):
    """A person's decision about a prediction or a catalogue label; never updated or deleted.

    It keeps what the reviewer was shown (model version, category, confidence), so a later
    model or a relabelled product does not change what the decision was about.
    """

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )
    user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    username: Mapped[str | None] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(16))  # prediction or product
    prediction_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("predictions.id", ondelete="RESTRICT"), index=True
    )
    product_uniq_id: Mapped[str | None] = mapped_column(String(64), index=True)
    model_name: Mapped[str | None] = mapped_column(String(32))
    model_version: Mapped[int | None] = mapped_column(Integer)
    shown_category: Mapped[str] = mapped_column(String(64))
    shown_confidence: Mapped[float | None] = mapped_column(Float)
    decision: Mapped[str] = mapped_column(String(16))  # confirm or correct
    category: Mapped[str] = mapped_column(String(64))  # the category the person decided on
    comment: Mapped[str | None] = mapped_column(Text)


class LabelIssue(Base):
    """A catalogue product whose given label a model version's out-of-fold answers contradict
    (cleanlab), with the evidence, as found when that version was trained."""

    __tablename__ = "label_issues"
    __table_args__ = (UniqueConstraint("model_version_id", "product_uniq_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    model_version_id: Mapped[int] = mapped_column(
        ForeignKey("model_versions.id", ondelete="CASCADE"), index=True
    )
    # The catalogue it was found on (db.repo_catalogue.catalogue_version at training time).
    catalogue_size: Mapped[int] = mapped_column(Integer)
    catalogue_updated: Mapped[str] = mapped_column(String(40))
    product_uniq_id: Mapped[str] = mapped_column(String(64), index=True)
    given_category: Mapped[str] = mapped_column(String(64))
    suggested_category: Mapped[str] = mapped_column(String(64))
    quality: Mapped[float] = mapped_column(Float)  # cleanlab's label quality: low is suspect
    rank: Mapped[int] = mapped_column(Integer)  # 1: the most suspect
    probabilities: Mapped[dict[str, float]] = mapped_column(JSONType)
    # [{uniq_id, category, similarity}] of the 3 nearest catalogue products
    neighbours: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)


class DriftReport(Base):
    """One Evidently run: the summary as JSON, the HTML report stored beside the artifacts."""

    __tablename__ = "drift_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )
    window_start: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    window_end: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reference_size: Mapped[int] = mapped_column(Integer)
    current_size: Mapped[int] = mapped_column(Integer)
    share_drifted: Mapped[float] = mapped_column(Float)
    dataset_drift: Mapped[bool] = mapped_column(Boolean)
    summary: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    html_path: Mapped[str | None] = mapped_column(Text)


class DriftAlert(Base):
    """One alert sent (or not) to the drift webhook for a report that found drift."""

    __tablename__ = "drift_alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )
    drift_report_id: Mapped[int] = mapped_column(
        ForeignKey("drift_reports.id", ondelete="CASCADE"), index=True
    )
    # Scheme and host only: a webhook's path often holds its secret.
    target: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16))  # sent or failed
    attempts: Mapped[int] = mapped_column(Integer)
    http_status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)


class User(Base):
    """An account of the dashboard and API; `role` is viewer, auditor or admin."""

    __tablename__ = "users"
    # AUTOINCREMENT on SQLite too: a removed account's id is never handed to a new one, so
    # nothing that names an id (a session, an audit row) can come to mean someone else.
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ApiToken(Base):
    """A bearer token of a user, stored only as its SHA-256 (the token itself is shown once)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(64))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class UserSession(Base):
    """A signed-in browser. The cookie holds a random key, this table only its SHA-256: ending
    the row (sign-out, revoke, password change, account removal) ends the session."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
