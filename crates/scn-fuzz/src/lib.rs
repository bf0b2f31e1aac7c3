//! A fuzzer for scn that runs on stable Rust (no `cargo fuzz`, which needs a nightly
//! toolchain): inputs come from a grammar-aware generator ([`grammar`]) and from mutations of a
//! corpus of real files ([`mutate`]), driven by a seeded generator so that a run is
//! reproducible, and each goes through every stage ([`oracle`]): parse, `fmt` (the output
//! parses to the same tree and formats to itself), `check`, and `eval` in every format,
//! with and without sampling and `--given`. A panic anywhere is a crash; so is an exit code
//! outside 0–3 or a formatter that changes the tree.
//!
//! `scn-fuzz --seconds 60 --seed 1` runs for a minute (CI does); crashes are written to a
//! folder and become files of `corpus/`, which the crate's tests run on every build.

pub mod grammar;
pub mod mutate;
pub mod oracle;
pub mod run;

pub use oracle::{Finding, check_input};
