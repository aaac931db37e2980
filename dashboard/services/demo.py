"""The demo, step by step: a catalogue, every model trained, the fallback chosen by style shift,
and a first audit trail (the scored test split). `vitrine demo` prints what each step did."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dashboard.services import style_shift, training
from dashboard.services.drift import REFERENCE_REQUEST_ID
from dashboard.services.ingest import IngestResult, ingest_catalogue
from dashboard.services.prediction import predict_and_record_many
from dashboard.services.serving import fallback_name
from dashboard.services.state import Services
from dashboard.settings import Settings
from db.engine import session_scope
from db.repo_models import active_versions, list_model_versions
from db.repo_predictions import count_predictions
from ml.demo.catalogue import CSV_NAME, IMAGES_DIR, generate
from ml.features import NotEnoughData
from ml.models.registry import MODEL_NAMES
from ml.style_shift import NoStyles

# The quick linear candidates (about a minute); `vitrine evaluate --shift` measures every model.
DEMO_SHIFT_MODELS = ("stage_probe", "baseline")
SCORE_BATCH = 64


@dataclass(frozen=True)
class DemoCatalogue:
    csv_path: Path
    images_dir: Path
    generated: bool


def demo_catalogue(settings: Settings, per_category: int) -> DemoCatalogue:
    """The demo catalogue under DATA_DIR/demo, generated the first time only."""
    folder = settings.data_dir / "demo"
    csv_path = folder / CSV_NAME
    generated = not csv_path.exists()
    if generated:
        generate(folder, per_category=per_category)
    return DemoCatalogue(csv_path, folder / IMAGES_DIR, generated)


def load_demo(services: Services, catalogue: DemoCatalogue) -> IngestResult:
    return ingest_catalogue(services, catalogue.csv_path, catalogue.images_dir)


def train_missing(
    services: Services, report: Callable[[str], None]
) -> list[training.TrainingOutcome]:
    """Trains the models that have no version yet (none on a second run)."""
    with session_scope(services.sessions) as session:
        trained = {mv.name for mv in list_model_versions(session)}
    missing = [name for name in MODEL_NAMES if name not in trained]
    return training.train(services, missing, report=report) if missing else []


def measure_fallback(services: Services, report: Callable[[str], None]) -> str:
    """Measures the linear candidates under style shift (once) and returns the fallback served."""
    if style_shift.latest(services) is None:
        report("style shift: leave-one-style-out of " + " and ".join(DEMO_SHIFT_MODELS))
        try:
            style_shift.run_and_store(services, names=DEMO_SHIFT_MODELS, progress=False)
        except (NoStyles, NotEnoughData) as exc:
            report(f"style shift not measured: {exc}")
    with session_scope(services.sessions) as session:
        active = list(active_versions(session))
    return fallback_name(services, active)


def score_test_split(services: Services) -> int | None:
    """Scores the test split in batch (audit source "batch"); None when the trail has rows."""
    with session_scope(services.sessions) as session:
        if count_predictions(session):
            return None
    data = training.catalogue_data(services)
    test = data.index("test")
    for start in range(0, len(test), SCORE_BATCH):
        batch = test[start : start + SCORE_BATCH]
        predict_and_record_many(
            services,
            [data.image_paths[i].read_bytes() for i in batch],
            [data.texts[i] for i in batch],
            source="batch",
            request_id=REFERENCE_REQUEST_ID,  # never in a drift window: it is the reference
            product_ids=[data.ids[i] for i in batch],
        )
    return len(test)
