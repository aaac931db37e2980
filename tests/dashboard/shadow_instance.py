"""A trained instance with a second fusion version that answers differently on watches: what
the shadow-model tests put in shadow."""

from __future__ import annotations

import shutil
from pathlib import Path

from dashboard.services.prediction import Recorded, predict_and_record_many
from dashboard.services.reviews import choose_category
from dashboard.services.state import Services
from dashboard.services.training import catalogue_data, train
from dashboard.settings import Settings
from tests.conftest import make_settings
from tests.trained_copy import copy_database

RELABELLED = ("Watches", "Computers")  # v2 learns training watches as computers


def shadow_instance(root: Path, trained_settings: Settings) -> Settings:
    """A copy of the trained instance in `root` with fusion v2 (not active) trained on a
    catalogue in which a reviewer relabelled nearly every training watch a computer."""
    source = trained_settings.instance_dir.parent
    for part in ("artifacts", "data"):
        shutil.copytree(source / part, root / part)
    copy_database(source / "vitrine.db", root / "vitrine.db")
    settings = make_settings(root, f"sqlite:///{root / 'vitrine.db'}")
    services = Services.from_settings(settings)
    data = catalogue_data(services)
    watches = [i for i in data.index("train") if data.labels[i] == RELABELLED[0]]
    # Two stay watches: a version must know every class to serve beside the fallback.
    for i in watches[2:]:
        choose_category(services, "product", data.ids[i], RELABELLED[1], None, None)
    train(services, ["fusion"], progress=False, report=lambda _line: None, use_reviews=True)
    services.engine.dispose()
    return settings


def watches_of(services: Services) -> list[tuple[bytes, str]]:
    """The photo and text of each test-split watch."""
    data = catalogue_data(services)
    return [
        (data.image_paths[i].read_bytes(), data.texts[i])
        for i in data.index("test")
        if data.labels[i] == RELABELLED[0]
    ]


def record_watches(services: Services, request_id: str) -> list[Recorded]:
    """Live predictions of every test-split watch, with its text, through the API's path."""
    watches = watches_of(services)
    return predict_and_record_many(
        services,
        [photo for photo, _ in watches],
        [text for _, text in watches],
        source="api",
        request_id=request_id,
        product_ids=[None] * len(watches),
    )
