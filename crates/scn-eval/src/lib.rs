//! Resolves and evaluates `.scn` scenarios (work in progress: see the evaluator issue).
