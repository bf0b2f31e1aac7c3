//! Loading a file and everything it imports.
//!
//! Imports resolve relative to the importing file (standard input: the working directory),
//! transitively. A file reached twice is loaded once; a cycle is an error naming the chain.
//!
//! An import reads only inside the library: its path is relative, and once resolved (symbolic
//! links included) it lies under the library's root — the folder of its `scn.toml`, or the
//! folder of the file named on the command line when there is none. It names a regular file
//! (never a device or a pipe) of at most [`MAX_IMPORT_BYTES`]. A refused import is an error
//! that names the path as written and never shows the file's content.
//!
//! Files come from the disk ([`load`], [`load_in`]) or from any other store behind [`Files`]
//! ([`load_from`]), such as one revision of a git repository.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use scn_dsl::ast::{File, Item};
use scn_dsl::{Code, Diagnostic, FileId, SourceFile, SourceMap};

/// Largest file an import reads, in bytes.
pub const MAX_IMPORT_BYTES: u64 = 64 << 20;

/// Deepest chain of imports (a imports b imports c …).
pub const MAX_IMPORT_DEPTH: usize = 256;

/// Budgets of one run, chosen by the caller (`scn --max-nodes`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Most tree nodes plus template expansions that resolution may create.
    pub max_nodes: u64,
}

impl Limits {
    /// The default node budget: far above any real library, far below what exhausts a machine.
    pub const DEFAULT_MAX_NODES: u64 = 5_000_000;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_nodes: Limits::DEFAULT_MAX_NODES,
        }
    }
}

/// The files of one run.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Every file read, for rendering diagnostics.
    pub sources: SourceMap,
    /// Parsed files by `FileId`; `None` where a file failed to parse.
    pub files: Vec<Option<File>>,
    /// The file named on the command line.
    pub root: FileId,
    /// Problems found while loading (syntax errors, missing imports, cycles).
    pub diags: Vec<Diagnostic>,
    /// The plugins `plugin` lines may enable: the built-ins, plus any a manifest declares.
    pub plugins: crate::Plugins,
    /// Budgets for resolution.
    pub limits: Limits,
    /// Canonical paths of the files read (the root's, when it has one, then every import):
    /// a run must not write over its own inputs.
    pub paths: Vec<PathBuf>,
}

impl Loaded {
    /// Frees the syntax trees once the model is resolved: the sources stay for diagnostics.
    /// Evaluating a big tree while its syntax tree is still alive would hold both at once.
    pub fn drop_syntax(&mut self) {
        self.files = Vec::new();
    }

    /// The root file's AST, if it parsed.
    pub fn root_file(&self) -> Option<&File> {
        self.files
            .get(self.root.0 as usize)
            .and_then(Option::as_ref)
    }

    /// Every parsed file with its id.
    pub fn parsed(&self) -> impl Iterator<Item = (FileId, &File)> {
        self.files
            .iter()
            .enumerate()
            .filter_map(|(i, f)| f.as_ref().map(|f| (FileId(i as u32), f)))
    }
}

/// Where imported files come from: the disk, or another store (a git revision).
pub trait Files {
    /// The one name of the file at `path`, the same for every path that reaches it (the
    /// loader keys files, finds cycles and checks the library's root by it); an error when
    /// there is no such file.
    fn canonical(&self, path: &Path) -> std::io::Result<PathBuf>;
    /// The bytes of the file a [`Files::canonical`] name stands for, at most `max` of them;
    /// the error says why it cannot be read, in a reader's words.
    fn read(&self, canonical: &Path, max: u64) -> Result<Vec<u8>, String>;
}

/// The file system.
#[derive(Clone, Copy, Debug, Default)]
pub struct Disk;

impl Files for Disk {
    fn canonical(&self, path: &Path) -> std::io::Result<PathBuf> {
        std::fs::canonicalize(path)
    }

    fn read(&self, canonical: &Path, max: u64) -> Result<Vec<u8>, String> {
        read_regular(canonical, max)
    }
}

/// Loads source text named `name` (as diagnostics print it) and its imports, which resolve
/// against `dir`, the library root. `path` is the file's own path, if it has one, so that an
/// import of it is recognised as a cycle.
pub fn load(name: &str, text: String, dir: &Path, path: Option<&Path>) -> Loaded {
    load_in(name, text, dir, path, dir)
}

/// [`load`] with the library's root given: imports may read only files under it.
pub fn load_in(name: &str, text: String, dir: &Path, path: Option<&Path>, root: &Path) -> Loaded {
    let root = std::fs::canonicalize(root).ok();
    load_from(&Disk, name, text, dir, path, root)
}

/// [`load_in`], with imports read from `files` rather than the disk; `dir` and `path` are
/// paths in that store, and `root` is the library's root in its canonical form (`None`:
/// nothing may be imported).
pub fn load_from(
    files: &dyn Files,
    name: &str,
    text: String,
    dir: &Path,
    path: Option<&Path>,
    root: Option<PathBuf>,
) -> Loaded {
    let mut loader = Loader {
        files,
        out: Loaded::default(),
        by_path: HashMap::new(),
        stack: Vec::new(),
        on_stack: HashSet::new(),
        root,
    };
    let canonical = path.and_then(|p| files.canonical(p).ok());
    loader.out.paths.extend(canonical.clone());
    // Diagnostics name imported files relative to the root's name, as a person would type
    // them, never by the canonical path the loader resolves them with.
    let shown_dir = Path::new(name)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let root = loader.add(
        name.to_owned(),
        text,
        dir.to_path_buf(),
        &shown_dir,
        canonical,
    );
    loader.out.root = root;
    loader.out
}

/// Holds an exclusive lock on a folder until the returned file is dropped: the read, edit
/// and rename of a file in it by one scn process is then whole before another's starts.
/// (The file itself cannot carry the lock: the rename replaces it, and a process waiting on
/// the old one would go on to read the old text and write over the new.)
pub fn lock_folder(dir: &Path) -> std::io::Result<std::fs::File> {
    let folder = std::fs::File::open(dir)?;
    folder.lock()?;
    Ok(folder)
}

/// Reads a regular file of at most `max` bytes. Devices and pipes are refused before they
/// are opened (a pipe would block the open), and the opened file is checked again.
pub(crate) fn read_regular(path: &Path, max: u64) -> Result<Vec<u8>, String> {
    let not_regular = "it is not a regular file".to_owned();
    let too_large = format!("it is larger than {} MiB", max >> 20);
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err(not_regular);
    }
    let file = {
        use std::os::unix::fs::OpenOptionsExt;
        // Non-blocking, in case the path was swapped for a pipe since the check above.
        std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
            .open(path)
            .map_err(|e| e.to_string())?
    };
    let meta = file.metadata().map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err(not_regular);
    }
    if meta.len() > max {
        return Err(too_large);
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > max {
        return Err(too_large);
    }
    Ok(bytes)
}

struct Loader<'f> {
    files: &'f dyn Files,
    out: Loaded,
    by_path: HashMap<PathBuf, FileId>,
    /// Canonical paths of the files being loaded, outermost first, for cycle messages.
    stack: Vec<(PathBuf, String)>,
    /// The same paths, to find a cycle without scanning the chain.
    on_stack: HashSet<PathBuf>,
    /// The library's root, canonical; `None` when it cannot be resolved (nothing is imported).
    root: Option<PathBuf>,
}

impl Loader<'_> {
    fn add(
        &mut self,
        name: String,
        text: String,
        dir: PathBuf,
        shown_dir: &Path,
        canonical: Option<PathBuf>,
    ) -> FileId {
        let id = self.out.sources.add(SourceFile::new(name.clone(), text));
        self.out.files.push(None);
        let text = &self.out.sources.get(id).text;
        let file = match scn_dsl::parse(text, id) {
            Ok(f) => f,
            Err(d) => {
                self.out.diags.extend(d);
                return id;
            }
        };
        let imports: Vec<_> = file
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Import(imp) => Some(imp.clone()),
                _ => None,
            })
            .collect();
        self.out.files[id.0 as usize] = Some(file);
        let canonical = canonical.unwrap_or_default();
        self.on_stack.insert(canonical.clone());
        self.stack.push((canonical, name));
        for imp in imports {
            self.import(id, &imp, &dir, shown_dir);
        }
        if let Some((c, _)) = self.stack.pop() {
            self.on_stack.remove(&c);
        }
        id
    }

    fn import(&mut self, id: FileId, imp: &scn_dsl::ast::Import, dir: &Path, shown_dir: &Path) {
        let written = &imp.path.value;
        let shown = shown_dir.join(written);
        let display = shown.display().to_string();
        let refuse =
            |why: String| Diagnostic::error(id, imp.path.span, why).with_code(Code::Import);
        if Path::new(written).is_absolute() {
            self.out.diags.push(
                refuse(format!("cannot import `{written}`: the path is absolute"))
                    .with_help("imports are relative to the importing file, inside the library"),
            );
            return;
        }
        let canonical =
            match self.files.canonical(&dir.join(written)) {
                Ok(c) => c,
                Err(e) => {
                    self.out.diags.push(
                        refuse(format!("cannot import `{written}`: {e}")).with_help(format!(
                            "imports are relative to the importing file; looked for {display}"
                        )),
                    );
                    return;
                }
            };
        if !self.root.as_ref().is_some_and(|r| canonical.starts_with(r)) {
            let root = self
                .root
                .as_ref()
                .map_or_else(|| "?".to_owned(), |r| r.display().to_string());
            self.out.diags.push(
                refuse(format!(
                    "cannot import `{written}`: it lies outside the library ({root})"
                ))
                .with_help(
                    "a library's files import only files under the folder of its scn.toml \
                     (without one, under the folder of the file named on the command line)",
                ),
            );
            return;
        }
        if self.on_stack.contains(&canonical) {
            let pos = self
                .stack
                .iter()
                .position(|(p, _)| *p == canonical)
                .unwrap_or(0);
            let mut chain: Vec<&str> = self.stack[pos..].iter().map(|(_, n)| n.as_str()).collect();
            chain.push(&display);
            self.out
                .diags
                .push(refuse(format!("import cycle: {}", chain.join(" → "))));
            return;
        }
        if self.by_path.contains_key(&canonical) {
            return;
        }
        if self.stack.len() >= MAX_IMPORT_DEPTH {
            self.out.diags.push(refuse(format!(
                "cannot import `{written}`: imports are nested more than {MAX_IMPORT_DEPTH} files deep"
            )));
            return;
        }
        let text = match self
            .files
            .read(&canonical, MAX_IMPORT_BYTES)
            .map(String::from_utf8)
        {
            Ok(Ok(text)) => text,
            Ok(Err(_)) => {
                self.out.diags.push(refuse(format!(
                    "cannot import `{written}`: it is not UTF-8 text"
                )));
                return;
            }
            Err(e) => {
                self.out
                    .diags
                    .push(refuse(format!("cannot import `{written}`: {e}")));
                return;
            }
        };
        let sub_dir = canonical
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let sub_shown = shown.parent().map(Path::to_path_buf).unwrap_or_default();
        self.out.paths.push(canonical.clone());
        let fid = self.add(display, text, sub_dir, &sub_shown, Some(canonical.clone()));
        self.by_path.insert(canonical, fid);
    }
}
