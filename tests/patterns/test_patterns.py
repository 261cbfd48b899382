"""The patterns of docs/ODD.md ("Purpose and patterns"), as statistical tests.

Each test runs the pattern's measurement from :mod:`cisim.documents.patterns` with the same seed
and replicates as ``docs/validation.md`` (so the documented figures are the tested ones) and asserts
that every claim's 95 % interval lies on the claimed side. Paired comparisons use common
random numbers. If a pattern stops emerging, the mechanisms need work, never a weaker test.
"""

from __future__ import annotations

import pytest

from cisim.documents import patterns, patterns_breadth, patterns_sources
from cisim.documents.evidence import DEFAULT_REPLICATES, DEFAULT_SEED, Pattern

pytestmark = pytest.mark.slow


def _assert_holds(pattern: Pattern) -> None:
    failures = [
        f"{c.label}: {c.estimate:.4f} (must lie {'above' if c.direction > 0 else 'below'} "
        f"{c.bound:g})"
        for c in pattern.claims
        if not c.holds
    ]
    assert not failures, f"pattern {pattern.number} ({pattern.title}) fails: " + "; ".join(failures)


def _measure(fn: object) -> Pattern:
    return fn(DEFAULT_REPLICATES, DEFAULT_SEED)  # type: ignore[operator, no-any-return]


def test_pattern_01__two_regimes_from_one_condition_and_early_responses_decide() -> None:
    _assert_holds(_measure(patterns.pattern_01))


def test_pattern_02__each_of_the_five_key_actions_raises_learning_journeys() -> None:
    pattern = _measure(patterns.pattern_02)
    assert len(pattern.claims) == 5
    _assert_holds(pattern)


def test_pattern_03__turnover_lowers_learning_and_understanding_falls_then_is_rebuilt() -> None:
    _assert_holds(_measure(patterns.pattern_03))


def test_pattern_04__without_entry_point_most_stall_with_one_first_win_sooner() -> None:
    _assert_holds(_measure(patterns.pattern_04))


def test_pattern_05__diversity_trust_agency_outwardness_shorten_the_search() -> None:
    pattern = _measure(patterns.pattern_05)
    assert len(pattern.claims) == 5
    _assert_holds(pattern)


def test_pattern_06__balanced_experiences_leave_trust_lower() -> None:
    _assert_holds(_measure(patterns.pattern_06))


def test_pattern_07__early_wins_predict_later_trust() -> None:
    _assert_holds(_measure(patterns.pattern_07))


def test_pattern_08__governance_mode_predicts_less_than_adaptability_and_actions() -> None:
    _assert_holds(_measure(patterns.pattern_08))


def test_pattern_09__grand_expectations_raise_blame_games() -> None:
    _assert_holds(_measure(patterns.pattern_09))


def test_pattern_10__a_large_grant_with_low_trust_and_contest_buys_no_success() -> None:
    _assert_holds(_measure(patterns.pattern_10))


def test_pattern_11__self_assigned_authority_does_no_worse_than_granted() -> None:
    _assert_holds(_measure(patterns_sources.pattern_11))


def test_pattern_12__authority_raises_success_more_so_as_ambition_grows() -> None:
    _assert_holds(_measure(patterns_sources.pattern_12))


def test_pattern_13__a_navigators_value_grows_with_turnover() -> None:
    _assert_holds(_measure(patterns_sources.pattern_13))


def test_pattern_14__an_entry_point_and_a_faster_search_do_not_make_blame_likelier() -> None:
    pattern = _measure(patterns_sources.pattern_14)
    assert len(pattern.claims) == 3
    _assert_holds(pattern)


def test_pattern_15__trust_is_easier_to_destroy_than_to_build_at_low_trust_too() -> None:
    _assert_holds(_measure(patterns_sources.pattern_15))


def test_pattern_16__who_is_at_the_table_explains_a_substantial_share_of_the_regime() -> None:
    _assert_holds(_measure(patterns_sources.pattern_16))


def test_pattern_17__small_wins_deepen_shared_understanding() -> None:
    _assert_holds(_measure(patterns_sources.pattern_17))


def test_pattern_18__an_entry_point_chosen_together_does_better_than_one_imposed() -> None:
    _assert_holds(_measure(patterns_breadth.pattern_18))


def test_pattern_19__a_meaningful_actionable_entry_point_does_better() -> None:
    _assert_holds(_measure(patterns_breadth.pattern_19))


def test_pattern_20__execution_builds_knowledge_and_capacity() -> None:
    _assert_holds(_measure(patterns_breadth.pattern_20))


def test_pattern_21__a_navigator_helps_more_from_the_launch() -> None:
    _assert_holds(_measure(patterns_breadth.pattern_21))


def test_pattern_22__task_conflict_helps_the_work_where_partners_trust_each_other() -> None:
    _assert_holds(_measure(patterns_breadth.pattern_22))


def test_pattern_23__a_backbone_makes_a_grant_usable() -> None:
    _assert_holds(_measure(patterns_breadth.pattern_23))


def test_pattern_24__nobody_willing_to_lead_a_collaboration_at_war() -> None:
    _assert_holds(_measure(patterns_breadth.pattern_24))


def test_pattern_25__hired_to_think_and_do() -> None:
    _assert_holds(_measure(patterns_breadth.pattern_25))


def test_patterns__every_pattern_is_listed_once_and_in_order() -> None:
    numbers = [fn.__name__ for fn in patterns.PATTERNS]
    assert numbers == [f"pattern_{k:02d}" for k in range(1, len(numbers) + 1)]
    assert len(numbers) == 28


def test_pattern_26__a_large_coalition_needs_open_accountability() -> None:
    _assert_holds(_measure(patterns_breadth.pattern_26))


def test_pattern_27__naming_without_trust_feeds_blame() -> None:
    _assert_holds(_measure(patterns_breadth.pattern_27))


def test_pattern_28__align_the_strategic_triangle() -> None:
    _assert_holds(_measure(patterns_breadth.pattern_28))
