//! A big file's text, given up while `scn check` or `scn eval` evaluates it and read again
//! only when a diagnostic quotes it.
//!
//! Once a file is parsed and resolved, nothing but a diagnostic's position and excerpt reads
//! its text, and most runs print none (`scn eval` copies the few expressions its report
//! quotes before giving the text up). On a million-branch file the text is 120 MB, a quarter
//! of what either holds at its peak (the point evaluation, and the report's drivers).

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use scn_dsl::{FileId, SourceFile, SourceMap};

/// Texts smaller than this stay: re-reading is for files where the memory counts.
pub(super) const RELEASE_FROM: usize = 16 << 20;

/// The text of one file, given up; [`ReleasedText::restore`] reads it back.
pub(crate) struct ReleasedText {
    file: FileId,
    path: PathBuf,
    len: usize,
    modified: Option<SystemTime>,
}

impl ReleasedText {
    /// Gives up the text of the run's root file, read from `path`, as [`ReleasedText::take`]
    /// does; standard input's stays, since it cannot be read again.
    pub(crate) fn take_root(loaded: &mut scn_eval::Loaded, path: &Path) -> Option<ReleasedText> {
        if crate::input::is_stdin(path) {
            return None;
        }
        ReleasedText::take(&mut loaded.sources, loaded.root, path)
    }

    /// Gives up the text of `file`, read from `path`, if it is big and the file on disk still
    /// has its length (a file already changed since it was read keeps its text).
    pub(crate) fn take(sources: &mut SourceMap, file: FileId, path: &Path) -> Option<ReleasedText> {
        let source = sources.get(file);
        let len = source.text.len();
        if len < RELEASE_FROM {
            return None;
        }
        let meta = std::fs::metadata(path).ok()?;
        if meta.len() != len as u64 {
            return None;
        }
        let name = source.name.clone();
        sources.replace(file, SourceFile::new(name, String::new()));
        Some(ReleasedText {
            file,
            path: path.to_owned(),
            len,
            modified: meta.modified().ok(),
        })
    }

    /// Reads the text back into `sources`. The file may have changed or gone in between:
    /// the text read then stands in, and the message returned says that positions and
    /// excerpts are of the file as it is now (or that none can be shown). `done` is what was
    /// done meanwhile ("checked").
    pub(crate) fn restore(self, sources: &mut SourceMap, done: &str) -> Option<String> {
        let name = sources.get(self.file).name.clone();
        let same = |meta: std::fs::Metadata| {
            meta.len() == self.len as u64 && meta.modified().ok() == self.modified
        };
        let unchanged = std::fs::metadata(&self.path).is_ok_and(same);
        match crate::input::read_text(&self.path, &mut std::io::empty()) {
            Ok((_, text)) => {
                let kept = unchanged && text.len() == self.len;
                sources.replace(self.file, SourceFile::new(name.clone(), text));
                (!kept).then(|| {
                    format!(
                        "scn: note: {} changed while it was {done}: the positions below are in the file as it is now",
                        scn_dsl::sanitize(&name)
                    )
                })
            }
            Err(e) => {
                let why = match e {
                    crate::input::ReadError::Io(message) => message,
                    crate::input::ReadError::Invalid(_) => "it is no longer UTF-8".to_owned(),
                };
                Some(format!(
                    "scn: note: {} could not be read again to show where the diagnostics below are ({why}): their positions are not known",
                    scn_dsl::sanitize(&name)
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn big_file(dir: &Path, fill: char) -> (PathBuf, String) {
        let path = dir.join("big.scn");
        let text: String = std::iter::repeat_n(fill, RELEASE_FROM).collect();
        std::fs::write(&path, &text).unwrap();
        (path, text)
    }

    fn map_of(path: &Path, text: String) -> (SourceMap, FileId) {
        let mut map = SourceMap::new();
        let id = map.add(SourceFile::new(path.display().to_string(), text));
        (map, id)
    }

    #[test]
    fn a_big_text_is_given_up_and_read_back_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let (path, text) = big_file(dir.path(), 'a');
        let (mut map, id) = map_of(&path, text.clone());
        let released = ReleasedText::take(&mut map, id, &path).expect("big enough");
        assert!(map.get(id).text.is_empty());
        assert_eq!(released.restore(&mut map, "checked"), None);
        assert!(map.get(id).text == text);
    }

    #[test]
    fn a_small_text_or_one_already_changed_on_disk_stays() {
        let dir = tempfile::tempdir().unwrap();
        let small = dir.path().join("small.scn");
        std::fs::write(&small, "scenario s {}").unwrap();
        let (mut map, id) = map_of(&small, "scenario s {}".into());
        assert!(ReleasedText::take(&mut map, id, &small).is_none());
        let (path, text) = big_file(dir.path(), 'a');
        std::fs::write(&path, "shorter now").unwrap();
        let (mut map, id) = map_of(&path, text.clone());
        assert!(ReleasedText::take(&mut map, id, &path).is_none());
        assert!(map.get(id).text == text);
    }

    #[test]
    fn a_file_changed_or_gone_meanwhile_is_said() {
        let dir = tempfile::tempdir().unwrap();
        let (path, text) = big_file(dir.path(), 'a');
        let (mut map, id) = map_of(&path, text);
        let released = ReleasedText::take(&mut map, id, &path).unwrap();
        std::fs::write(&path, "scenario s {}\n").unwrap();
        let note = released.restore(&mut map, "checked").expect("a note");
        assert!(note.contains("changed while it was checked"), "{note}");
        assert_eq!(map.get(id).text, "scenario s {}\n");

        let (path, text) = big_file(dir.path(), 'b');
        let (mut map, id) = map_of(&path, text);
        let released = ReleasedText::take(&mut map, id, &path).unwrap();
        std::fs::remove_file(&path).unwrap();
        let note = released.restore(&mut map, "checked").expect("a note");
        assert!(note.contains("could not be read again"), "{note}");
        // No text: positions fall back to the start, and rendering does not fail.
        assert_eq!(map.get(id).line_col(1_000), (1, 1));
    }
}
