//! `scn resolve` never loses the resolutions file nor leaves half of one: a write that fails
//! partway leaves the old file byte for byte, and no temporary beside it.
//!
//! The failure is real, not simulated: the `scn` binary runs under `ulimit -f 0` (no file may
//! grow past 0 blocks) with SIGXFSZ ignored, so writing the new text fails with EFBIG whoever
//! runs the test — a read-only folder would not stop root, who runs CI.

use std::path::Path;
use std::process::Command;

const SCENARIO: &str = "scenario coin {\n  branch heads p = 0.5\n  branch tails p = rest\n  forecast heads = P(heads)\n}\n";

const OLD: &str =
    "# Kept as it is.\n[[resolved]]\nforecast = \"other.x\"\noutcome = true\non = 2026-01-02\n";

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("read the folder")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    v.sort();
    v
}

#[test]
fn a_failed_write_leaves_the_old_file_whole() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join("coin.scn"), SCENARIO).expect("write");
    let path = dir.path().join("resolutions.toml");
    std::fs::write(&path, OLD).expect("write");
    let out = Command::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 0; exec \"$0\" resolve -C \"$1\" coin.heads yes --on 2026-02-01")
        .arg(env!("CARGO_BIN_EXE_scn"))
        .arg(dir.path())
        .output()
        .expect("sh runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("scn: error: cannot write ") && stderr.contains("resolutions.toml"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&path).expect("read"), OLD);
    assert_eq!(names(dir.path()), ["coin.scn", "resolutions.toml"]);

    // The same command without the limit succeeds: the failure above was the write's.
    let out = Command::new(env!("CARGO_BIN_EXE_scn"))
        .args(["resolve", "-C"])
        .arg(dir.path())
        .args(["coin.heads", "yes", "--on", "2026-02-01"])
        .output()
        .expect("scn runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        format!(
            "{OLD}\n[[resolved]]\nforecast = \"coin.heads\"\noutcome = true\non = 2026-02-01\n"
        )
    );
}
