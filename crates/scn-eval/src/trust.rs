//! The manifests a user trusts to run their plugins (`scn trust`).
//!
//! The store is one JSON file, `trusted.json`, in the user's data folder. Each entry is a
//! manifest's canonical path and the SHA-256 of its content when it was trusted: a manifest
//! is trusted only while both still match, so any edit to it (a new plugin, a changed
//! command) revokes the trust until the user looks again.
//!
//! ```json
//! {"manifests": [{"path": "/home/ana/forecasts/scn.toml", "sha256": "9f86d0…"}]}
//! ```

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::manifest::Manifest;

/// The store's file name inside the data folder.
pub const TRUST_FILE: &str = "trusted.json";

/// Largest store read: a store holds a line per library.
const MAX_STORE_BYTES: u64 = 16 << 20;

/// A trusted manifest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustEntry {
    /// The manifest's canonical path.
    pub path: PathBuf,
    /// The SHA-256 of its content, lower-case hex.
    pub sha256: String,
}

#[derive(Default, Serialize, Deserialize)]
struct Stored {
    manifests: Vec<TrustEntry>,
}

/// The trust store of one data folder.
#[derive(Clone, Debug)]
pub struct TrustStore {
    dir: PathBuf,
}

impl TrustStore {
    /// The store in `dir` (created when something is first trusted).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        TrustStore { dir: dir.into() }
    }

    /// The store's file.
    pub fn file(&self) -> PathBuf {
        self.dir.join(TRUST_FILE)
    }

    /// Every entry, in the order trusted. A missing store is empty; an unreadable or
    /// corrupt one is an error (trusting nothing silently would hide the cause).
    pub fn entries(&self) -> Result<Vec<TrustEntry>, String> {
        let file = self.file();
        if !file.exists() {
            return Ok(Vec::new());
        }
        let bytes = crate::load::read_regular(&file, MAX_STORE_BYTES)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        let stored: Stored = serde_json::from_slice(&bytes)
            .map_err(|e| format!("{} is not a trust store: {e}", file.display()))?;
        Ok(stored.manifests)
    }

    /// True when the manifest, as read, is trusted: its path and content both match an entry.
    pub fn trusts(&self, m: &Manifest) -> Result<bool, String> {
        Ok(self
            .entries()?
            .iter()
            .any(|e| e.path == m.path && e.sha256 == m.sha256))
    }

    /// Holds the store's folder for a read, edit and write, so that two scn processes
    /// trusting or revoking at once do not lose each other's change. The lock is advisory:
    /// where the folder cannot be locked (a file system without locks), the change is made
    /// without it.
    fn lock(&self) -> Result<Option<std::fs::File>, String> {
        std::fs::create_dir_all(&self.dir)
            .map_err(|e| format!("cannot write {}: {e}", self.dir.display()))?;
        Ok(crate::load::lock_folder(&self.dir).ok())
    }

    /// Trusts the manifest as read, replacing an older entry for its path.
    pub fn trust(&self, m: &Manifest) -> Result<(), String> {
        let _held = self.lock()?;
        let mut entries = self.entries()?;
        entries.retain(|e| e.path != m.path);
        entries.push(TrustEntry {
            path: m.path.clone(),
            sha256: m.sha256.clone(),
        });
        self.save(entries)
    }

    /// Forgets the manifest at `path` (canonical); false when it was not trusted.
    pub fn revoke(&self, path: &Path) -> Result<bool, String> {
        let _held = self.lock()?;
        let mut entries = self.entries()?;
        let before = entries.len();
        entries.retain(|e| e.path != path);
        if entries.len() == before {
            return Ok(false);
        }
        self.save(entries)?;
        Ok(true)
    }

    fn save(&self, manifests: Vec<TrustEntry>) -> Result<(), String> {
        let file = self.file();
        let fail = |e: std::io::Error| format!("cannot write {}: {e}", file.display());
        std::fs::create_dir_all(&self.dir).map_err(fail)?;
        let mut text = serde_json::to_string_pretty(&Stored { manifests })
            .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
        text.push('\n');
        // A temporary beside the store, renamed over it: a crash leaves the old store whole.
        let mut tmp = tempfile::NamedTempFile::new_in(&self.dir).map_err(fail)?;
        std::io::Write::write_all(&mut tmp, text.as_bytes()).map_err(fail)?;
        tmp.as_file().sync_all().map_err(fail)?;
        tmp.persist(&file).map_err(|e| fail(e.error))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::MANIFEST_NAME;

    fn manifest(dir: &Path, text: &str) -> Manifest {
        let path = dir.join(MANIFEST_NAME);
        std::fs::write(&path, text).unwrap();
        Manifest::load(&path, &mut scn_dsl::SourceMap::new()).unwrap()
    }

    #[test]
    fn an_edit_revokes_trust() {
        let lib = tempfile::tempdir().unwrap();
        let data = tempfile::tempdir().unwrap();
        let store = TrustStore::new(data.path().join("scn"));
        let m = manifest(lib.path(), "[plugins.x]\ncommand = [\"true\"]\n");
        assert!(!store.trusts(&m).unwrap());
        store.trust(&m).unwrap();
        assert!(store.trusts(&m).unwrap());
        let edited = manifest(lib.path(), "[plugins.x]\ncommand = [\"false\"]\n");
        assert!(!store.trusts(&edited).unwrap());
        // Trusting again replaces the entry rather than adding one.
        store.trust(&edited).unwrap();
        assert_eq!(store.entries().unwrap().len(), 1);
        assert!(store.revoke(&edited.path).unwrap());
        assert!(!store.trusts(&edited).unwrap());
        assert!(!store.revoke(&edited.path).unwrap());
    }

    /// Trusts and revocations at once (threads open the folder each, and their locks
    /// exclude each other as processes' do): none is lost.
    #[test]
    fn changes_made_at_once_are_all_kept() {
        let libs: Vec<_> = (0..8).map(|_| tempfile::tempdir().unwrap()).collect();
        let data = tempfile::tempdir().unwrap();
        let store = TrustStore::new(data.path().join("scn"));
        let manifests: Vec<Manifest> = libs.iter().map(|l| manifest(l.path(), "")).collect();
        store.trust(&manifests[0]).unwrap();
        std::thread::scope(|scope| {
            scope.spawn(|| store.revoke(&manifests[0].path).unwrap());
            for m in &manifests[1..] {
                scope.spawn(|| store.trust(m).unwrap());
            }
        });
        let entries = store.entries().unwrap();
        assert_eq!(entries.len(), 7, "{entries:?}");
        assert!(!store.trusts(&manifests[0]).unwrap());
    }

    #[test]
    fn a_corrupt_store_is_an_error_not_an_empty_one() {
        let data = tempfile::tempdir().unwrap();
        std::fs::write(data.path().join(TRUST_FILE), "not json").unwrap();
        let err = TrustStore::new(data.path()).entries().unwrap_err();
        assert!(err.contains("is not a trust store"), "{err}");
    }
}
