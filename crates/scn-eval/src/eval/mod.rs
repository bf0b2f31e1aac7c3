//! Evaluation of a resolved model: exact (point) evaluation, per spec sections 7 and 8.

pub(crate) mod env;
mod point;
pub(crate) mod probs;
pub(crate) mod queries;
pub mod sets;

pub(crate) use point::apply;
pub use point::{Decision, Evaluation, ExpectOutcome, evaluate};
pub use queries::QueryPlan;
