"""Load a Flipkart-format catalogue into the database: ml reads and validates, db stores."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from dashboard.services import imagestore
from dashboard.services.state import Services
from db.engine import session_scope
from db.repo_catalogue import product_categories, product_splits, upsert_products
from ml.catalogue import LoadReport, load_catalogue
from ml.splits import assign_splits


@dataclass(frozen=True)
class IngestResult:
    report: LoadReport
    inserted: int
    updated: int
    unchanged: int = 0

    @property
    def loaded(self) -> int:
        return self.inserted + self.updated + self.unchanged

    def summary_lines(self, first_ids: int = 5) -> list[str]:
        lines = [
            f"Loaded {self.loaded} of {self.report.rows} rows "
            f"({self.inserted} new, {self.updated} updated, {self.unchanged} unchanged); "
            f"skipped {self.report.skipped_count}."
        ]
        for reason, ids in sorted(self.report.skipped.items()):
            shown = ", ".join(ids[:first_ids]) + (", ..." if len(ids) > first_ids else "")
            lines.append(f"  skipped, {reason}: {len(ids)} (first: {shown})")
        return lines


def ingest_catalogue(
    services: Services, csv_path: Path, images_dir: Path, *, seed: int = 0, progress: bool = True
) -> IngestResult:
    report = load_catalogue(csv_path, images_dir)
    images_root = images_dir.resolve()
    for record in tqdm(report.records, desc="images", unit="image", disable=not progress):
        imagestore.store(
            services.settings.data_dir, images_root / record.image_file, record.image_sha256
        )
    with session_scope(services.sessions) as session:
        categories = product_categories(session)
        categories.update({r.uniq_id: r.category for r in report.records})
        splits = assign_splits(categories, product_splits(session), seed=seed)
        rows = [{**r.as_dict(), "split": splits[r.uniq_id]} for r in report.records]
        inserted, updated, unchanged = upsert_products(session, rows)
    return IngestResult(report, inserted, updated, unchanged)
