"""Global explanations: the words and photo regions the active fusion relies on per category,
and the Models page section that shows them."""

from __future__ import annotations

import numpy as np

from dashboard.figures.global_explanations import cells_chart, words_table
from dashboard.services.explain import text_branch
from dashboard.services.global_explanations import global_explanation
from dashboard.services.state import Services
from dashboard.services.training import catalogue_data
from dashboard.settings import Settings


def test_each_category_has_its_own_words_and_a_mean_map(trained_settings: Settings) -> None:
    services = Services.from_settings(trained_settings)
    found = global_explanation(services, per_category=3)
    vectorizer = text_branch(services)[0]
    data = catalogue_data(services)
    test = data.index("test")
    categories = sorted(set(data.labels[test]))
    assert sorted(found.words) == sorted(found.cells) == categories
    for category in categories:
        words = found.words[category]
        assert words, f"no word pushes towards {category}"
        values = [w.value for w in words]
        assert values == sorted(values, reverse=True) and values[-1] > 0
        # The heaviest word is the category's own: it weighs more in its texts than in others'
        # (as the model reads them: TF-IDF after its own cleaning, bigrams included).
        column = vectorizer.vocabulary_[words[0].token]
        weight = vectorizer.transform(list(data.texts)).toarray()[:, column]
        mine = [weight[i] for i in test if data.labels[i] == category]
        others = [weight[i] for i in test if data.labels[i] != category]
        assert np.mean(mine) > np.mean(others), words[0].token
        grid = found.cells[category]
        assert grid.shape == (7, 7) and np.isfinite(grid).all()
        assert found.explained[category] == 3
    # Once computed, every worker reads it from the result cache.
    again = Services.from_settings(trained_settings)
    assert global_explanation(again, per_category=3).words == found.words

    # The page's table names each category's words; the chart's table says where it looks.
    table = str(words_table(found))
    assert all(found.words[c][0].token in table for c in categories)
    chart = str(cells_chart("global", found))
    assert all(c in chart for c in categories) and "quarter" in chart
