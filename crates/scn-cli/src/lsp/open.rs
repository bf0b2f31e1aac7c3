//! The files as the editor has them: an open document's unsaved text stands in for its file
//! when another document imports it, so a template edited in one tab shows its effect in
//! the scenario of another before either is saved.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use scn_eval::{Disk, Files};

/// The text of every open document that is a file, by its canonical path.
#[derive(Clone, Debug, Default)]
pub(crate) struct OpenFiles(Rc<HashMap<PathBuf, String>>);

impl OpenFiles {
    /// Sets the editor's text of the file at this canonical path (`None`: closed). Only that
    /// entry is copied: the map itself is shared only while an analysis runs.
    pub(crate) fn set(&mut self, canonical: PathBuf, text: Option<&str>) {
        let texts = Rc::make_mut(&mut self.0);
        match text {
            Some(t) => {
                texts.insert(canonical, t.to_owned());
            }
            None => {
                texts.remove(&canonical);
            }
        }
    }
}

/// The disk, with the open documents' texts in place of their files.
pub(crate) struct Overlay<'o>(pub &'o OpenFiles);

impl Files for Overlay<'_> {
    fn canonical(&self, path: &Path) -> std::io::Result<PathBuf> {
        Disk.canonical(path)
    }

    fn read(&self, canonical: &Path, max: u64) -> Result<Vec<u8>, String> {
        match self.0.0.get(canonical) {
            // The limit a file on disk has, so that what an import may be does not depend
            // on whether it is open.
            Some(text) if text.len() as u64 > max => {
                Err(format!("it is larger than {} MiB", max >> 20))
            }
            Some(text) => Ok(text.as_bytes().to_vec()),
            None => Disk.read(canonical, max),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_open_text_stands_in_for_its_file_and_the_rest_is_the_disk() {
        let dir = std::env::temp_dir().join(format!("scn-lsp-open-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (open, closed) = (dir.join("open.scn"), dir.join("closed.scn"));
        std::fs::write(&open, "on disk").unwrap();
        std::fs::write(&closed, "closed").unwrap();
        let mut files = OpenFiles::default();
        files.set(open.canonicalize().unwrap(), Some("in the editor"));
        let overlay = Overlay(&files);
        let read = |p: &Path, max| overlay.read(&overlay.canonical(p).unwrap(), max);
        assert_eq!(read(&open, 100).unwrap(), b"in the editor");
        assert_eq!(read(&closed, 100).unwrap(), b"closed");
        assert!(
            read(&open, 4).is_err(),
            "the size limit holds for open texts"
        );
        files.set(open.canonicalize().unwrap(), None);
        let overlay = Overlay(&files);
        assert_eq!(
            overlay.read(&open.canonicalize().unwrap(), 100).unwrap(),
            b"on disk"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
