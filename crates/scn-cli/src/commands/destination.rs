//! `-o FILE` of every report (`eval`, `sens`, `voi`, `diff`, `score`): the report goes to
//! standard output, or into a file written atomically that is never one of the run's inputs
//! nor a file of a library.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::input::is_stdin;
use crate::output::{is_one_of, write_file, write_file_with};
use crate::{Exit, Io};

/// Names of files a report must never replace, whether or not this run read them: a report
/// written over a library's settings or its recorded resolutions destroys work no rerun
/// gives back.
const PROTECTED_NAMES: [&str; 2] = ["scn.toml", "resolutions.toml"];

/// Renders a report and delivers it: to standard output when `output` is `None` or `-`
/// (a reader that stopped early, as `| head` does, is not an error), else into that file.
/// `inputs` are the files the run read; the report never replaces one of them, nor a `.scn`
/// file, `scn.toml` or `resolutions.toml`.
///
/// A report `for_people` (text, Markdown, HTML) has every control character but the line
/// break, and every bidirectional override, replaced by U+FFFD as a whole: the labels, notes,
/// units, sources and file names in it are the file author's, and a terminal would obey an
/// escape sequence in them (retitle, clear, plant a link) and a Markdown or HTML reader would
/// choke on it. JSON escapes them itself and keeps the text exact.
pub(crate) fn deliver(
    io: &mut Io<'_>,
    output: Option<&Path>,
    inputs: &[PathBuf],
    for_people: bool,
    render: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Exit {
    if let Err(code) = check(io, output, inputs) {
        return code;
    }
    let file = output.filter(|p| !is_stdin(p));
    if !for_people {
        // JSON, streamed: its size follows the input's, and it escapes what it must itself.
        let written = match file {
            Some(path) => write_file_with(path, render),
            None => render(&mut *io.stdout).and_then(|()| io.stdout.flush()),
        };
        return finish(io, file, written);
    }
    let mut buf = Vec::new();
    let rendered = render(&mut buf);
    buf = match String::from_utf8(buf) {
        Ok(text) => match scn_dsl::sanitize_lines(&text) {
            std::borrow::Cow::Borrowed(_) => text.into_bytes(),
            std::borrow::Cow::Owned(clean) => clean.into_bytes(),
        },
        Err(e) => e.into_bytes(),
    };
    let written = rendered.and_then(|()| match file {
        Some(path) => write_file(path, &buf),
        None => io.stdout.write_all(&buf),
    });
    finish(io, file, written)
}

/// The exit of a delivery, with the error said once.
fn finish(io: &mut Io<'_>, file: Option<&Path>, written: std::io::Result<()>) -> Exit {
    match written {
        Ok(()) => Exit::Ok,
        Err(e) if file.is_none() && e.kind() == std::io::ErrorKind::BrokenPipe => Exit::Ok,
        Err(e) => {
            let target = file.map_or("the report".to_string(), super::shown);
            let _ = writeln!(io.stderr, "scn: error: cannot write {target}: {e}");
            Exit::Usage
        }
    }
}

/// Refuses an `output` the report may not replace, saying why: before a long analysis, so
/// that its user does not wait for a refusal ([`deliver`] checks again). `scn eval -o`, which
/// writes through its own report pipeline, asks here too.
pub(crate) fn check(
    io: &mut Io<'_>,
    output: Option<&Path>,
    inputs: &[PathBuf],
) -> Result<(), Exit> {
    if let Some(path) = output.filter(|p| !is_stdin(p))
        && let Some(why) = refusal(path, inputs)
    {
        let _ = writeln!(
            io.stderr,
            "scn: error: {} {why}; the report would replace it",
            super::shown(path)
        );
        return Err(Exit::Usage);
    }
    Ok(())
}

/// Why a report may not go to `path`, if it may not.
fn refusal(path: &Path, inputs: &[PathBuf]) -> Option<&'static str> {
    if is_one_of(path, inputs) {
        return Some("is an input of this run");
    }
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if path.extension().is_some_and(|e| e == "scn") {
        return Some("is a scenario file");
    }
    if PROTECTED_NAMES.contains(&name) {
        return Some("is a library's settings or resolutions");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenario_settings_and_resolutions_are_never_replaced() {
        let none: [PathBuf; 0] = [];
        assert!(refusal(Path::new("lib/peace.scn"), &none).is_some());
        assert!(refusal(Path::new("lib/scn.toml"), &none).is_some());
        assert!(refusal(Path::new("resolutions.toml"), &none).is_some());
        assert!(refusal(Path::new("out/sens.html"), &none).is_none());
        assert!(refusal(Path::new("notes.toml"), &none).is_none());
    }

    #[test]
    fn an_input_is_recognised_under_another_name() {
        let dir = std::env::temp_dir().join(format!("scn-destination-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let input = dir.join("model.txt");
        std::fs::write(&input, "x").unwrap();
        let other = dir.join(".").join("model.txt");
        assert_eq!(
            refusal(&other, std::slice::from_ref(&input)),
            Some("is an input of this run")
        );
        assert_eq!(refusal(&dir.join("report.txt"), &[input]), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
