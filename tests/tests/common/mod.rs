//! Helpers shared by the integration tests: big-stack threads, span invariants, comment
//! extraction, the diagnostic header check and the formatter round trip.

// Each test crate includes this module and uses a different subset of it.
#![allow(dead_code)]

use std::path::PathBuf;

use scn_dsl::ast::File;
use scn_dsl::{Diagnostic, FileId, SourceFile, SourceMap};

/// Runs `f` on a thread with [`scn_dsl::LARGE_STACK`] bytes of stack, as the CLI does, and
/// re-raises its panic, if any, on the calling thread.
pub fn on_big_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let worker = std::thread::Builder::new()
        .name("big-stack".to_owned())
        .stack_size(scn_dsl::LARGE_STACK)
        .spawn(f)
        .expect("spawn a big-stack thread");
    match worker.join() {
        Ok(v) => v,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// Parses `text` as file 0.
pub fn parse(text: &str) -> Result<File, Vec<Diagnostic>> {
    scn_dsl::parse(text, FileId(0))
}

/// Renders every diagnostic against a one-file source map named `name`.
pub fn render_all(name: &str, text: &str, diags: &[Diagnostic]) -> String {
    let mut map = SourceMap::new();
    let id = map.add(SourceFile::new(name, text));
    assert_eq!(id, FileId(0), "the tests parse every text as file 0");
    scn_dsl::render_all(diags, &map)
}

/// The tree with every span erased, so that trees of differently laid out texts compare equal.
pub fn erased(file: &File) -> File {
    let mut f = file.clone();
    scn_dsl::visit::erase_spans(&mut f);
    f
}

/// Checks the span invariants of a tree parsed from `text`: every span lies within the text,
/// runs forwards and starts and ends on character boundaries.
pub fn check_spans(file: &File, text: &str) -> Result<(), String> {
    let mut f = file.clone();
    let mut bad = Vec::new();
    scn_dsl::visit::spans_mut(&mut f, &mut |s| {
        let (start, end) = (s.start as usize, s.end as usize);
        if start > end
            || end > text.len()
            || !text.is_char_boundary(start)
            || !text.is_char_boundary(end)
        {
            bad.push(format!("{start}..{end}"));
        }
    });
    if bad.is_empty() {
        Ok(())
    } else {
        Err(format!("bad spans {bad:?} in {text:?}"))
    }
}

/// Checks that a diagnostic's primary span and labels lie within `text` on char boundaries.
pub fn check_diag_spans(d: &Diagnostic, text: &str) -> Result<(), String> {
    let spans = std::iter::once(d.span).chain(d.labels.iter().map(|l| l.span));
    for s in spans {
        let (start, end) = (s.start as usize, s.end as usize);
        if start > end
            || end > text.len()
            || !text.is_char_boundary(start)
            || !text.is_char_boundary(end)
        {
            return Err(format!(
                "diagnostic {:?} has a bad span {start}..{end}",
                d.message
            ));
        }
    }
    Ok(())
}

/// Checks that a rendered diagnostic starts with the header every diagnostic has
/// (docs/reference/errors.md):
/// `NAME:LINE:COL: error: ` (LINE and COL decimal).
pub fn check_header(rendered: &str, name: &str) -> Result<(), String> {
    let header = rendered.lines().next().unwrap_or("");
    let fail = || {
        Err(format!(
            "header {header:?} is not `{name}:LINE:COL: error: MESSAGE`"
        ))
    };
    let Some(rest) = header.strip_prefix(name).and_then(|r| r.strip_prefix(':')) else {
        return fail();
    };
    let mut parts = rest.splitn(3, ':');
    let (Some(line), Some(col), Some(tail)) = (parts.next(), parts.next(), parts.next()) else {
        return fail();
    };
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if numeric(line) && numeric(col) && tail.starts_with(" error: ") && tail.len() > 8 {
        Ok(())
    } else {
        fail()
    }
}

/// The `//` comments of a source text, trailing space trimmed, in order; strings are skipped.
///
/// Written independently of the formatter's own scanner, so the two check each other.
pub fn comments(src: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut in_string = false;
    let mut chars = src.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if in_string {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' | '\n' => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
        } else if c == '/' && chars.peek().is_some_and(|&(_, n)| n == '/') {
            let end = src[i..].find('\n').map_or(src.len(), |n| i + n);
            out.push(src[i..end].trim_end());
            while chars.peek().is_some_and(|&(j, _)| j < end) {
                chars.next();
            }
        }
    }
    out
}

/// What a formatter round trip found.
pub struct RoundTrip {
    /// `format(parse(text))`.
    pub formatted: String,
}

/// Parses `text`, formats it, and checks the formatter's contract: the output parses to the
/// same tree (spans erased), formatting it again changes nothing, and every comment survives,
/// in order. Runs on the calling thread.
pub fn round_trip(text: &str) -> Result<RoundTrip, String> {
    let file = parse(text)
        .map_err(|d| format!("input does not parse:\n{}", render_all("input", text, &d)))?;
    check_spans(&file, text)?;
    let formatted = scn_dsl::format(&file, text);
    let again = parse(&formatted).map_err(|d| {
        format!(
            "formatted text does not parse:\n{}\n--- formatted:\n{formatted}",
            render_all("formatted", &formatted, &d)
        )
    })?;
    check_spans(&again, &formatted)?;
    if erased(&file) != erased(&again) {
        return Err(format!(
            "formatting changed the tree\n--- input:\n{text}\n--- formatted:\n{formatted}"
        ));
    }
    let twice = scn_dsl::format(&again, &formatted);
    if twice != formatted {
        return Err(format!(
            "format is not idempotent\n--- once:\n{formatted}\n--- twice:\n{twice}"
        ));
    }
    let mut rest = formatted.as_str();
    for c in comments(text) {
        match rest.find(c) {
            Some(at) => rest = &rest[at + c.len()..],
            None => {
                return Err(format!(
                    "comment {c:?} lost or reordered\n--- formatted:\n{formatted}"
                ));
            }
        }
    }
    Ok(RoundTrip { formatted })
}

/// A fresh empty directory under the system temp dir, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// Creates `scn-tests-<pid>-<tag>`.
    pub fn new(tag: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("scn-tests-{}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create a temp dir");
        TempDir(dir)
    }

    /// The names of the entries of the directory, sorted.
    pub fn entries(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.0)
            .expect("read the temp dir")
            .map(|e| {
                e.expect("a dir entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        names
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
