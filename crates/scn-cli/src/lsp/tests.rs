//! In-process tests of the features.
