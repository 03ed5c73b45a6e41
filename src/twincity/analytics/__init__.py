"""twincity.analytics — the pure analytics engine (numpy/scipy in, numpy out; no Django).

Normalisation, weighting (entropy, CRITIC, AHP), aggregation, TOPSIS, coupling coordination, industrial
structure comparison, Monte-Carlo rank uncertainty, and COINr-style index specifications run on panels.
See ``docs/analytics.md`` for every method, variant and default with its literature.
"""

from .aggregate import AGGREGATION_METHODS, aggregate
from .coupling import TEN_LEVELS, CoordinationClasses, coordination_class, coupling_coordination
from .normalize import NORMALIZATION_METHODS, normalize
from .spec import IndexResult, IndexSpec, Node, Panel, run_index, run_json
from .structure import krugman_index, location_quotient, structure_similarity
from .topsis import topsis
from .uncertainty import RankUncertainty, rank_uncertainty
from .weights import ahp_weights, critic_weights, entropy_weights, equal_weights

__all__ = [
    "AGGREGATION_METHODS",
    "NORMALIZATION_METHODS",
    "TEN_LEVELS",
    "CoordinationClasses",
    "IndexResult",
    "IndexSpec",
    "Node",
    "Panel",
    "RankUncertainty",
    "aggregate",
    "ahp_weights",
    "coordination_class",
    "coupling_coordination",
    "critic_weights",
    "entropy_weights",
    "equal_weights",
    "krugman_index",
    "location_quotient",
    "normalize",
    "rank_uncertainty",
    "run_index",
    "run_json",
    "structure_similarity",
    "topsis",
]
