//! Workspace-level integration tests live under `tests/`; this crate has no library code.
