//! Reading sources: files or standard input, checked for UTF-8.

use std::io::Read;
use std::path::{Path, PathBuf};

use scn_dsl::{Diagnostic, FileId, SourceFile, SourceMap, Span};
use scn_eval::Manifest;

/// The name diagnostics give standard input.
pub const STDIN_NAME: &str = "<stdin>";

/// A source that could not be used.
pub enum ReadError {
    /// Unreadable: exit 2.
    Io(String),
    /// Not UTF-8: a diagnostic, exit 1.
    Invalid(Box<(SourceMap, Diagnostic)>),
}

/// True for the path `-`.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Reads a file (or stdin for `-`): its display name and its text.
pub fn read_text(path: &Path, stdin: &mut dyn Read) -> Result<(String, String), ReadError> {
    let (name, bytes) = if is_stdin(path) {
        let mut buf = Vec::new();
        stdin
            .read_to_end(&mut buf)
            .map_err(|e| ReadError::Io(format!("cannot read standard input: {e}")))?;
        (STDIN_NAME.to_owned(), buf)
    } else {
        let bytes = std::fs::read(path)
            .map_err(|e| ReadError::Io(format!("cannot read {}: {e}", path.display())))?;
        (path.display().to_string(), bytes)
    };
    decode(name, bytes)
}

/// Source text from bytes read under `name`: a diagnostic at the first byte that is not
/// UTF-8.
pub fn decode(name: String, bytes: Vec<u8>) -> Result<(String, String), ReadError> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok((name, text)),
        Err(e) => {
            // Point at the first bad byte: keep the valid prefix so line and column are right.
            let at = e.utf8_error().valid_up_to();
            let prefix = String::from_utf8_lossy(&e.as_bytes()[..at]).into_owned();
            let mut map = SourceMap::new();
            let id = map.add(SourceFile::new(name, prefix));
            let d = Diagnostic::error(id, Span::new(at, at), "the file is not valid UTF-8")
                .with_help("save it as UTF-8 text");
            Err(ReadError::Invalid(Box::new((map, d))))
        }
    }
}

/// Reads a file (or stdin for `-`) into a new source map.
pub fn read_source(path: &Path, stdin: &mut dyn Read) -> Result<(SourceMap, FileId), ReadError> {
    let (name, text) = read_text(path, stdin)?;
    let mut map = SourceMap::new();
    let id = map.add(SourceFile::new(name, text));
    Ok((map, id))
}

/// The library manifest (`scn.toml`) governing a path, if any: the nearest one at or above
/// the file's folder (the working directory for standard input).
pub fn manifest_for(path: &Path) -> Result<Option<Manifest>, ReadError> {
    let Some(found) = Manifest::find(&base_dir(path)) else {
        return Ok(None);
    };
    let mut map = SourceMap::new();
    Manifest::load(&found, &mut map)
        .map(Some)
        .map_err(|d| ReadError::Invalid(Box::new((map, d))))
}

/// Reads a file (or stdin) and everything it imports, with the plugins its library allows
/// (none but the built-ins when `no_plugins`).
pub fn load(
    path: &Path,
    stdin: &mut dyn Read,
    no_plugins: bool,
) -> Result<(scn_eval::Loaded, Option<Manifest>), ReadError> {
    let manifest = manifest_for(path)?;
    let (name, text) = read_text(path, stdin)?;
    let own = (!is_stdin(path)).then_some(path);
    let mut loaded = scn_eval::load(&name, text, &base_dir(path), own);
    if let Some(m) = &manifest {
        loaded.plugins = m.plugins(!no_plugins);
    }
    Ok((loaded, manifest))
}

/// The directory imports of `path` resolve against: its parent, or the working directory for
/// standard input.
pub fn base_dir(path: &Path) -> PathBuf {
    if is_stdin(path) {
        PathBuf::from(".")
    } else {
        // A bare file name's parent is the empty path, which names no folder: use ".".
        match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }
}
