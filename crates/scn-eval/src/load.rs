//! Loading a file and everything it imports.
//!
//! Imports resolve relative to the importing file (standard input: the working directory),
//! transitively. A file reached twice is loaded once; a cycle is an error naming the chain.
//! Files come from the disk ([`load`]) or from any other store behind [`Files`]
//! ([`load_from`]), such as one revision of a git repository.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use scn_dsl::ast::{File, Item};
use scn_dsl::{Diagnostic, FileId, SourceFile, SourceMap};

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
}

impl Loaded {
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

/// Where imported files come from. Paths are the importing file's folder joined with what
/// the `import` says.
pub trait Files {
    /// The one name of the file at `path`, the same for every path that reaches it (the
    /// loader keys files and finds cycles by it); an error when there is no such file.
    fn canonical(&self, path: &Path) -> std::io::Result<PathBuf>;
    /// The bytes of the file a [`Files::canonical`] name stands for.
    fn read(&self, canonical: &Path) -> std::io::Result<Vec<u8>>;
}

/// The file system.
#[derive(Clone, Copy, Debug, Default)]
pub struct Disk;

impl Files for Disk {
    fn canonical(&self, path: &Path) -> std::io::Result<PathBuf> {
        std::fs::canonicalize(path)
    }

    fn read(&self, canonical: &Path) -> std::io::Result<Vec<u8>> {
        std::fs::read(canonical)
    }
}

/// Loads source text named `name` (as diagnostics print it) and its imports, which resolve
/// against `dir`. `path` is the file's own path, if it has one, so that an import of it
/// is recognised as a cycle.
pub fn load(name: &str, text: String, dir: &Path, path: Option<&Path>) -> Loaded {
    load_from(&Disk, name, text, dir, path)
}

/// [`load`], with imports read from `files` rather than the disk; `dir` and `path` are
/// paths in that store.
pub fn load_from(
    files: &dyn Files,
    name: &str,
    text: String,
    dir: &Path,
    path: Option<&Path>,
) -> Loaded {
    let mut loader = Loader {
        files,
        out: Loaded::default(),
        by_path: HashMap::new(),
        stack: Vec::new(),
    };
    let canonical = path.and_then(|p| files.canonical(p).ok());
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

struct Loader<'f> {
    files: &'f dyn Files,
    out: Loaded,
    by_path: HashMap<PathBuf, FileId>,
    /// Canonical paths of the files being loaded, outermost first, for cycle messages.
    stack: Vec<(PathBuf, String)>,
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
        self.stack.push((canonical.unwrap_or_default(), name));
        for imp in imports {
            let path = dir.join(&imp.path.value);
            let shown = shown_dir.join(&imp.path.value);
            let display = shown.display().to_string();
            let canonical = match self.files.canonical(&path) {
                Ok(c) => c,
                Err(e) => {
                    self.out.diags.push(
                        Diagnostic::error(
                            id,
                            imp.path.span,
                            format!("cannot import `{}`: {e}", imp.path.value),
                        )
                        .with_help(format!(
                            "imports are relative to the importing file; looked for {display}"
                        )),
                    );
                    continue;
                }
            };
            if let Some(pos) = self.stack.iter().position(|(p, _)| *p == canonical) {
                let mut chain: Vec<&str> =
                    self.stack[pos..].iter().map(|(_, n)| n.as_str()).collect();
                chain.push(&display);
                self.out.diags.push(Diagnostic::error(
                    id,
                    imp.path.span,
                    format!("import cycle: {}", chain.join(" → ")),
                ));
                continue;
            }
            if self.by_path.contains_key(&canonical) {
                continue;
            }
            match self.files.read(&canonical).map(String::from_utf8) {
                Ok(Ok(text)) => {
                    let sub_dir = canonical
                        .parent()
                        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
                    let sub_shown = shown.parent().map(Path::to_path_buf).unwrap_or_default();
                    let fid = self.add(display, text, sub_dir, &sub_shown, Some(canonical.clone()));
                    self.by_path.insert(canonical, fid);
                }
                Ok(Err(_)) => self.out.diags.push(Diagnostic::error(
                    id,
                    imp.path.span,
                    format!("cannot import `{}`: it is not UTF-8 text", imp.path.value),
                )),
                Err(e) => self.out.diags.push(Diagnostic::error(
                    id,
                    imp.path.span,
                    format!("cannot import `{}`: {e}", imp.path.value),
                )),
            }
        }
        self.stack.pop();
        id
    }
}
