//! Reading sources: files or standard input, checked for UTF-8 and size; the library
//! manifest that governs them, and whether its plugins may run.

use std::io::Read;
use std::path::{Path, PathBuf};

use scn_dsl::{Diagnostic, FileId, SourceFile, SourceMap, Span};
use scn_eval::{Limits, Manifest, PluginPolicy, TrustStore};

/// Largest file read from the command line or standard input. Larger than an import may be
/// (the user chose this file, and big generated trees are real), bounded so that a FIFO or
/// `/dev/zero` cannot grow memory without end; spans are 32-bit byte offsets.
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// What the command line says about plugins and budgets, for every file of a run.
#[derive(Clone, Copy, Debug, Default)]
pub struct RunOptions {
    /// `--no-plugins`.
    pub no_plugins: bool,
    /// `--trust-plugins`, or `SCN_TRUST_PLUGINS=1`.
    pub trust_plugins: bool,
    /// `--max-nodes`.
    pub limits: Limits,
}

/// The environment variable that allows a library's plugins for one run, like
/// `--trust-plugins`.
pub const TRUST_ENV: &str = "SCN_TRUST_PLUGINS";

/// The environment variable naming the data folder that holds the trust store.
pub const DATA_DIR_ENV: &str = "SCN_DATA_DIR";

/// True when the environment allows plugins for this run.
pub fn trust_from_env() -> bool {
    std::env::var_os(TRUST_ENV).is_some_and(|v| v == "1")
}

/// The user's data folder for scn: `$SCN_DATA_DIR`, else `$XDG_DATA_HOME/scn`, else
/// `~/.local/share/scn`. `None` when none can be told.
pub fn data_dir() -> Option<PathBuf> {
    let var = |name: &str| {
        std::env::var_os(name)
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    var(DATA_DIR_ENV)
        .or_else(|| var("XDG_DATA_HOME").map(|d| d.join("scn")))
        .or_else(|| var("HOME").map(|h| h.join(".local/share/scn")))
}

/// The trust store of the user's data folder.
pub fn trust_store() -> Result<TrustStore, String> {
    data_dir().map(TrustStore::new).ok_or_else(|| {
        format!("cannot tell the data folder for the trust store: set {DATA_DIR_ENV} or HOME")
    })
}

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
            .take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut buf)
            .map_err(|e| ReadError::Io(format!("cannot read standard input: {e}")))?;
        (STDIN_NAME.to_owned(), buf)
    } else {
        let cannot = |e: std::io::Error| {
            ReadError::Io(format!(
                "cannot read {}: {e}",
                scn_dsl::sanitize(&path.display().to_string())
            ))
        };
        let file = std::fs::File::open(path).map_err(cannot)?;
        // Sized from the file's length (capped), so a large file is not read into a buffer
        // that doubles its way up to twice its size.
        let hint = file.metadata().map_or(0, |m| m.len().min(MAX_FILE_BYTES)) as usize;
        let mut bytes = Vec::with_capacity(hint.saturating_add(1));
        file.take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(cannot)?;
        (path.display().to_string(), bytes)
    };
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::Io(format!(
            "cannot read {}: it is larger than {} MiB",
            scn_dsl::sanitize(&name),
            MAX_FILE_BYTES >> 20
        )));
    }
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
                .with_code(scn_dsl::Code::NotUtf8)
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

/// Reads a file (or stdin) and everything it imports, within its library (the folder of
/// its scn.toml, else its own folder), with the plugins the library may run.
pub fn load(
    path: &Path,
    stdin: &mut dyn Read,
    options: RunOptions,
) -> Result<(scn_eval::Loaded, Option<Manifest>), ReadError> {
    let manifest = manifest_for(path)?;
    let (name, text) = read_text(path, stdin)?;
    let own = (!is_stdin(path)).then_some(path);
    let dir = base_dir(path);
    let root = manifest
        .as_ref()
        .map_or_else(|| dir.clone(), |m| m.dir.clone());
    let mut loaded = scn_eval::load_in(&name, text, &dir, own, &root);
    loaded.limits = options.limits;
    if let Some(m) = &manifest {
        loaded.plugins = m.plugins(plugin_policy(m, options).map_err(ReadError::Io)?);
    }
    Ok((loaded, manifest))
}

/// Whether the plugins a manifest declares may run: never with `--no-plugins`, always with
/// `--trust-plugins`, else when the user trusts the manifest as it is now.
pub fn plugin_policy(m: &Manifest, options: RunOptions) -> Result<PluginPolicy, String> {
    if options.no_plugins {
        return Ok(PluginPolicy::Off);
    }
    if options.trust_plugins || trust_from_env() {
        return Ok(PluginPolicy::Allowed);
    }
    if m.plugins.is_empty() {
        return Ok(PluginPolicy::Untrusted);
    }
    // Without a data folder nothing can have been trusted.
    let trusted = match data_dir() {
        Some(dir) => TrustStore::new(dir).trusts(m)?,
        None => false,
    };
    Ok(if trusted {
        PluginPolicy::Allowed
    } else {
        PluginPolicy::Untrusted
    })
}

/// The directory imports of `path` resolve against: its parent, or the working directory for
/// standard input.
pub fn base_dir(path: &Path) -> PathBuf {
    match path.parent() {
        // `a.scn` has the parent "", which names no folder: it is the working directory.
        Some(p) if !is_stdin(path) && !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}
