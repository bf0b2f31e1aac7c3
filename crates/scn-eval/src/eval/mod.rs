//! Evaluation of a resolved model: exact (point) evaluation (docs/reference/evaluation.md).

pub(crate) mod env;
mod point;
pub(crate) mod probs;
pub(crate) mod queries;
pub mod sets;

pub(crate) use point::apply;
pub use point::{Decision, Evaluation, ExpectOutcome, evaluate};
pub use queries::QueryPlan;
