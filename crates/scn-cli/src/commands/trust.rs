//! `scn trust [DIR]`, `scn trust --revoke [DIR]`, `scn trust --list`: which libraries' plugins
//! may run. Trust is recorded per manifest, with the hash of its content: see
//! `scn_eval::TrustStore`.

use std::path::{Path, PathBuf};

use scn_eval::{Manifest, TrustStore};

use super::shown;
use crate::args::TrustArgs;
use crate::input::trust_store;
use crate::{Exit, Io};

pub(crate) fn run(args: &TrustArgs, io: &mut Io<'_>) -> Exit {
    let store = match trust_store() {
        Ok(s) => s,
        Err(e) => return fail(io, &e),
    };
    if args.list {
        return list(&store, io);
    }
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let Some(found) = Manifest::find(&dir) else {
        return fail(
            io,
            &format!(
                "no {} in {} or a folder above it (the search stops at a repository's root and at your home)",
                scn_eval::MANIFEST_NAME,
                shown(&dir)
            ),
        );
    };
    if args.revoke {
        let canonical = std::fs::canonicalize(&found).unwrap_or(found);
        return match store.revoke(&canonical) {
            Ok(true) => {
                let _ = writeln!(io.stdout, "no longer trusted: {}", shown(&canonical));
                Exit::Ok
            }
            Ok(false) => {
                let _ = writeln!(io.stdout, "{} was not trusted", shown(&canonical));
                Exit::Ok
            }
            Err(e) => fail(io, &e),
        };
    }
    let mut sources = scn_dsl::SourceMap::new();
    let manifest = match Manifest::load(&found, &mut sources) {
        Ok(m) => m,
        Err(d) => return super::report(&[d], &sources, io),
    };
    if let Err(e) = store.trust(&manifest) {
        return fail(io, &e);
    }
    let _ = writeln!(
        io.stdout,
        "trusted {} (sha256 {})",
        shown(&manifest.path),
        &manifest.sha256[..16]
    );
    if manifest.plugins.is_empty() {
        let _ = writeln!(io.stdout, "  it declares no plugins");
    }
    for (name, decl) in &manifest.plugins {
        let _ = writeln!(
            io.stdout,
            "  {}: runs {} in {}",
            scn_dsl::sanitize(name),
            scn_dsl::sanitize(&format!("{:?}", decl.command)),
            shown(&manifest.dir)
        );
    }
    let _ = writeln!(
        io.stdout,
        "any edit to it revokes this; `scn trust --revoke {}` undoes it",
        shown(&manifest.dir)
    );
    Exit::Ok
}

fn list(store: &TrustStore, io: &mut Io<'_>) -> Exit {
    let entries = match store.entries() {
        Ok(e) => e,
        Err(e) => return fail(io, &e),
    };
    if entries.is_empty() {
        let _ = writeln!(io.stdout, "no library is trusted");
    }
    for e in entries {
        let _ = writeln!(
            io.stdout,
            "{}  {}",
            state(&e.path, &e.sha256),
            shown(&e.path)
        );
    }
    Exit::Ok
}

/// Whether a trusted manifest is still as it was trusted.
fn state(path: &Path, sha256: &str) -> &'static str {
    if !path.is_file() {
        return "missing";
    }
    match Manifest::load(path, &mut scn_dsl::SourceMap::new()) {
        Ok(m) if m.sha256 == sha256 => "trusted",
        Ok(_) => "changed",
        // An invalid manifest has changed too: the trusted one parsed.
        Err(_) => "changed",
    }
}

fn fail(io: &mut Io<'_>, message: &str) -> Exit {
    let _ = writeln!(io.stderr, "scn: error: {}", scn_dsl::sanitize(message));
    Exit::Usage
}
