"""GET /api/analysis/bivariate?x=&y=&by=category: two product variables, related."""

from __future__ import annotations

from flask import Response, jsonify, request

from dashboard.api import schemas as s
from dashboard.api.errors import ApiError
from dashboard.api.openapi import UNPROCESSABLE, Operation, Param
from dashboard.api.routes import Routes
from dashboard.services.analysis import MAX_POINTS, VARIABLES, analysis_frame
from dashboard.web.context import services
from ml.analysis import relate

BIVARIATE = Operation(
    "get",
    "/analysis/bivariate",
    "How two product variables relate, overall and per category",
    "analysis",
    {200: ("Correlations, trend and points.", s.BivariateOut), 422: UNPROCESSABLE},
    params=(
        Param(
            "x",
            "query",
            {"type": "string", "enum": list(s.BIVARIATE_VARIABLES)},
            "First variable.",
            required=True,
            example="retail_price",
        ),
        Param(
            "y",
            "query",
            {"type": "string", "enum": list(s.BIVARIATE_VARIABLES)},
            "Second variable.",
            required=True,
            example="discounted_price",
        ),
        Param(
            "by",
            "query",
            {"type": "string", "enum": ["category", "none"]},
            "Group by category or not.",
        ),
    ),
)


def register(routes: Routes) -> None:
    @routes.operation(BIVARIATE)
    def bivariate() -> Response:
        x, y = request.args.get("x", ""), request.args.get("y", "")
        by = request.args.get("by", "category")
        for name, value in (("x", x), ("y", y)):
            if value not in VARIABLES:
                raise ApiError(
                    422,
                    "invalid_variable",
                    f"{name} must be one of: {', '.join(VARIABLES)}.",
                    {name: value[:40]},
                )
        if by not in ("category", "none"):
            raise ApiError(422, "invalid_group", "by is category or none.")
        frame = analysis_frame(services())
        relation = relate(frame[x], frame[y], VARIABLES[x], VARIABLES[y])
        # dict.fromkeys: x == y (a variable against itself) must not duplicate a column.
        pairs = frame[list(dict.fromkeys(["uniq_id", "category", x, y]))].dropna()
        groups = []
        if by == "category":
            for category, group in pairs.groupby("category"):
                part = relate(group[x], group[y], VARIABLES[x], VARIABLES[y])
                groups.append(
                    {
                        "category": category,
                        "n": part.n,
                        "spearman": part.spearman,
                        "x_median": float(group[x].median()),
                        "y_median": float(group[y].median()),
                    }
                )
        sample = pairs.sample(MAX_POINTS, random_state=0) if len(pairs) > MAX_POINTS else pairs
        return jsonify(
            {
                "x": x,
                "y": y,
                "by": by,
                "n": relation.n,
                "pearson": relation.pearson,
                "spearman": relation.spearman,
                "trend": {"slope": relation.slope, "intercept": relation.intercept},
                "reading": relation.reading,
                "groups": groups,
                "sampled": len(sample) < len(pairs),
                "points": [
                    {
                        "uniq_id": r.uniq_id,
                        "category": r.category,
                        "x": float(r[x]),
                        "y": float(r[y]),
                    }
                    for _, r in sample.iterrows()
                ],
            }
        )
