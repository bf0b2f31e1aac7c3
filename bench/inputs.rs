//! Generated benchmark inputs, shared by the parse and eval benchmarks (included with
//! `#[path]`): `bench/gen_scn.py` writes each file once into `target/bench-inputs/` under the
//! names `bench/parse.sh` and `bench/eval.sh` use, and writes it again only when the generator
//! is newer than the file.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Seed passed to the generator: fixed, so every run measures the same input.
pub const SEED: u32 = 1;

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `<target>/bench-inputs/`, honouring an absolute `CARGO_TARGET_DIR`.
fn input_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .unwrap_or_else(|| workspace().join("target"));
    target.join("bench-inputs")
}

/// True when `file` exists and is at least as new as the generator.
fn is_fresh(file: &Path, generator: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    match (modified(file), modified(generator)) {
        (Some(file), Some(script)) => file >= script,
        (Some(_), None) => true,
        _ => false,
    }
}

/// The path of a generated scenario: `size` is `"bytes"` (about that many bytes) or
/// `"nodes"` (exactly that many branches).
pub fn generated(size: &str, amount: u64) -> PathBuf {
    let dir = input_dir();
    let name = format!("{size}-{amount}-seed{SEED}.scn");
    let file = dir.join(&name);
    let script = workspace().join("bench/gen_scn.py");
    if !is_fresh(&file, &script) {
        std::fs::create_dir_all(&dir)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
        // Write beside the final name, then rename: concurrent runs never see half a file.
        let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        // Output is captured so that it does not cut into divan's table.
        let out = Command::new("python3")
            .arg(&script)
            .args([
                &format!("--{size}"),
                &amount.to_string(),
                "--seed",
                &SEED.to_string(),
                "--out",
            ])
            .arg(&tmp)
            .output()
            .unwrap_or_else(|e| panic!("cannot run python3 {}: {e}", script.display()));
        assert!(
            out.status.success(),
            "{} failed ({}): {}",
            script.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::rename(&tmp, &file)
            .unwrap_or_else(|e| panic!("cannot rename to {}: {e}", file.display()));
    }
    file
}
