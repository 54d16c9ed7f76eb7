"""One matching engine (docs/rules.md, "Matching"): on random leaders and requests, the single
request's shortlist, the one-leader check and the batch allocation agree, because all three are the
engine's verdict. Pure: facts in memory, no database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from syslead.brokering.allocation import Problem, candidate_lists, solve
from syslead.brokering.eligibility import LeaderFacts, RequestFacts, hard_rule_failures
from syslead.brokering.engine import Weights
from syslead.brokering.matching import rank

CODES = ("maths", "english", "science", "send")
PHASES = ("primary", "secondary")
AUTHORITIES = ("Lincolnshire", "Rutland", " rutland ", "")
TRUSTS = ("", "Trust A", " trust a", "Trust B")
URNS = (100001, 100002, 100003)

days = st.integers(min_value=0, max_value=30).map(lambda halves: Decimal(halves) / 2)
places = st.one_of(st.none(), st.floats(min_value=50.0, max_value=55.0))


@st.composite
def leaders(draw: st.DrawFn) -> list[LeaderFacts]:
    found = []
    for i in range(draw(st.integers(min_value=1, max_value=7))):
        remaining = draw(days)
        found.append(
            LeaderFacts(
                id=i + 1,
                name=f"Leader {i + 1}",
                home_school_urn=draw(st.sampled_from((*URNS, 200000 + i))),
                home_school_name=f"Home {i + 1}",
                home_latitude=draw(places),
                home_longitude=draw(st.floats(min_value=-3.0, max_value=1.0)),
                home_local_authority=draw(st.sampled_from(AUTHORITIES)),
                home_trust=draw(st.sampled_from(TRUSTS)),
                home_phase=draw(st.sampled_from(("", *PHASES))),
                years_experience=draw(st.integers(min_value=0, max_value=15)),
                core_training_completed_on=draw(st.sampled_from((None, dt.date(2024, 9, 1)))),
                declared_conflicts=draw(st.sampled_from(("", "URN 100001", "School 100002", "x"))),
                specialisms=frozenset(draw(st.sets(st.sampled_from(CODES), max_size=3))),
                phases=frozenset(draw(st.sets(st.sampled_from(PHASES), max_size=2))),
                active_designations=draw(st.sampled_from(((), ("SLE",), ("LLE", "SLE")))),
                inactive_designations=draw(st.sampled_from(((), ("NLE",)))),
                released_days=remaining,
                remaining_days=remaining,
                outcome_ratings=tuple(draw(ratings)),
            )
        )
    return found


@st.composite
def requests(draw: st.DrawFn) -> RequestFacts:
    urn = draw(st.sampled_from(URNS))
    latitude = draw(places)
    return RequestFacts(
        id=1,
        organisation_id=1,
        school_urn=urn,
        school_name=f"School {urn}",
        latitude=latitude,
        longitude=None if latitude is None else draw(st.floats(min_value=-3.0, max_value=1.0)),
        local_authority=draw(st.sampled_from(AUTHORITIES)),
        trust=draw(st.sampled_from(TRUSTS)),
        phase=draw(st.sampled_from(PHASES)),
        needs=tuple(draw(st.lists(st.sampled_from(CODES), min_size=1, max_size=3))),
        days_requested=draw(days.filter(lambda d: d > 0)),
        academic_year="2025-26",
    )


weights = st.builds(
    Weights,
    specialism=st.integers(0, 40),
    phase=st.integers(0, 20),
    distance=st.integers(0, 30),
    remaining_days=st.integers(0, 20),
    experience=st.integers(0, 20),
    outcomes=st.integers(0, 20),
    same_local_authority=st.integers(0, 10),
)
ratings = st.lists(st.sampled_from(("green", "amber", "red")), max_size=4)


@given(requests(), leaders(), weights)
def test_the_shortlist_the_one_leader_check_and_the_allocation_agree(
    asked: RequestFacts, team: list[LeaderFacts], weights: Weights
) -> None:
    ranked, excluded = rank(asked, team, weights)

    # Every leader is either a candidate or excluded with at least one reason, and the one-leader
    # check (as an agreement or an approach uses it) says the same with the same reasons.
    assert {c.leader_id for c in ranked}.isdisjoint(e.leader_id for e in excluded)
    assert len(ranked) + len(excluded) == len(team)
    by_id = {leader.id: leader for leader in team}
    for e in excluded:
        assert e.failures
        assert list(e.failures) == hard_rule_failures(by_id[e.leader_id], asked)
    for c in ranked:
        assert hard_rule_failures(by_id[c.leader_id], asked) == []
        alone, nobody = rank(asked, [by_id[c.leader_id]], weights)
        assert nobody == []
        assert alone[0].score == c.score
        assert alone[0].reasons == c.reasons

    # The batch allocation's candidate list for the request is the shortlist, same scores.
    [pairs] = candidate_lists([asked], team, weights, k=len(team))
    assert [team[p.leader].id for p in pairs] == [c.leader_id for c in ranked]
    assert [p.score for p in pairs] == [c.score for c in ranked]

    # Allocating the request alone gives it the shortlist's best score (its top leader unless
    # another ties on the score as shown), and never an excluded leader.
    result = solve(Problem([asked], team, [pairs[:20]]))
    if not ranked:
        assert result.best.matches == {}
        return
    [chosen] = result.best.matches.values()
    leader_id = team[chosen.leader].id
    assert leader_id in {c.leader_id for c in ranked}
    assert chosen.points == ranked[0].tenths
    if len(ranked) == 1 or ranked[1].tenths < ranked[0].tenths:
        assert leader_id == ranked[0].leader_id
    assert result.best.status == "optimal"
