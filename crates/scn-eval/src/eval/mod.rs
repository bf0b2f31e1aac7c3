//! Evaluation of a resolved model: exact (point) evaluation, per spec sections 7 and 8.

mod env;
mod point;
mod probs;
mod queries;
pub mod sets;

pub use point::{Decision, Evaluation, ExpectOutcome, evaluate};
