//! Writing files: reports (`eval -o`) and formatted sources (`fmt`).
//!
//! A regular file is replaced atomically: the new text goes to a temporary file created
//! beside it with a random name and `O_EXCL` (so no planted file or link is ever opened),
//! takes the old file's permissions (and owner, when allowed), and is renamed over it, so
//! a reader never sees half a file and a crash never destroys the old one. Around that:
//!
//! - a symbolic link is written through, to the file it points to, and stays a link;
//! - a device or a pipe (`/dev/null`, `/dev/stdout`, a FIFO) is written directly, never
//!   renamed over;
//! - a file with several hard links is rewritten in place, so every link sees the new text
//!   (not atomically: there is no way to replace all names of a file at once). It is
//!   overwritten from the start and then cut to length, never emptied first, and when a
//!   write fails (a full disk) its old text is written back;
//! - an existing file the user may not write is refused, though its folder would let the
//!   rename replace it (and take it over);
//! - temporaries are removed when writing fails, and on SIGINT/SIGTERM
//!   ([`remove_temporaries`]).

use std::fs::{self, Metadata, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Temporaries being written, for the signal handler to remove.
static TEMPORARIES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn temporaries() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    TEMPORARIES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Removes every temporary still being written. For signal handlers, just before exit.
pub fn remove_temporaries() {
    for p in temporaries().drain(..) {
        let _ = fs::remove_file(p);
    }
}

/// Writes `contents` to `path` as the module documentation describes.
pub fn write_file(path: &Path, contents: &[u8]) -> io::Result<()> {
    write_file_with(path, |w| w.write_all(contents))
}

/// Writes what `render` writes to `path`, as the module documentation describes, streamed:
/// a report larger than memory is never held whole. An error from `render` is a failed
/// write: the old file stays.
pub fn write_file_with(
    path: &Path,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let target = through_links(path)?;
    match fs::metadata(&target) {
        Ok(meta) if !meta.is_file() => {
            // A device or a pipe: opened as it is, never created, truncated or replaced.
            let f = OpenOptions::new().write(true).open(&target)?;
            let mut w = io::BufWriter::new(f);
            render(&mut w)?;
            w.flush()
        }
        Ok(meta) if meta.nlink() > 1 => {
            let old = fs::read(&target)?;
            let mut f = OpenOptions::new().write(true).open(&target)?;
            overwrite(&mut f, render).or_else(|e| {
                // Put the old text back: it fits where it was.
                overwrite(&mut f, |w| w.write_all(&old))?;
                Err(e)
            })
        }
        Ok(meta) => {
            // The permission the rename would bypass: opening for writing (nothing is
            // written, nothing truncated) asks the system.
            OpenOptions::new().write(true).open(&target)?;
            replace(&target, render, Some(&meta))
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => replace(&target, render, None),
        Err(e) => Err(e),
    }
}

/// Writes over an open file from its start, then cuts it to what was written.
fn overwrite(
    f: &mut fs::File,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    use std::io::Seek;
    f.rewind()?;
    let mut w = io::BufWriter::new(&mut *f);
    render(&mut w)?;
    w.flush()?;
    drop(w);
    let len = f.stream_position()?;
    f.set_len(len)?;
    f.sync_all()
}

/// The file a path names once symbolic links are followed; the path itself when it is not a
/// link (it may not exist yet).
fn through_links(path: &Path) -> io::Result<PathBuf> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => fs::canonicalize(path).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("it is a symbolic link to a file that cannot be reached ({e})"),
            )
        }),
        _ => Ok(path.to_path_buf()),
    }
}

/// Replaces (or creates) a regular file through a temporary beside it.
fn replace(
    target: &Path,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    old: Option<&Metadata>,
) -> io::Result<()> {
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".scn-").suffix(".tmp");
    if old.is_none() {
        // A new file gets what `File::create` would give it: 0666 less the umask.
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    // tempfile's error ends with the random name it tried (" at path \"…\""), a file the
    // user never asked for and that does not exist; the folder is what they can act on.
    let mut tmp = builder.tempfile_in(dir).map_err(|e| {
        let full = e.to_string();
        let cause = full.rfind(" at path \"").map_or(&full[..], |i| &full[..i]);
        io::Error::new(
            e.kind(),
            format!("cannot create a file in {}: {cause}", dir.display()),
        )
    })?;
    temporaries().push(tmp.path().to_path_buf());
    let result = (|| {
        let mut w = io::BufWriter::new(tmp.as_file_mut());
        render(&mut w)?;
        w.flush()?;
        drop(w);
        if let Some(meta) = old {
            let f = tmp.as_file();
            // Owner first: changing it can clear the set-id bits that the mode then restores.
            // Only root or the owner may; as anyone else the file keeps the writer's.
            let _ = std::os::unix::fs::fchown(f, Some(meta.uid()), Some(meta.gid()));
            f.set_permissions(meta.permissions())?;
        }
        tmp.as_file().sync_all()?;
        Ok(())
    })();
    let path = tmp.path().to_path_buf();
    let result = result.and_then(|()| tmp.persist(target).map(drop).map_err(|e| e.error));
    // On failure `tmp` was dropped above, which removed the file.
    temporaries().retain(|p| *p != path);
    result
}

/// `text` (written with LF) with the line ends of `model`, the file it replaces: CRLF when
/// `model`'s first line ends so (a checkout on Windows), so that rewriting a file does not
/// change every line of it.
pub fn line_ends_of(model: &str, text: String) -> String {
    let crlf = model.find('\n').is_some_and(|i| model[..i].ends_with('\r'));
    if !crlf {
        return text;
    }
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    for line in text.split_inclusive('\n') {
        match line.strip_suffix('\n') {
            Some(body) => {
                out.push_str(body.strip_suffix('\r').unwrap_or(body));
                out.push_str("\r\n");
            }
            None => out.push_str(line),
        }
    }
    out
}

/// True when `path` names the same file as one of `inputs` (compared by device and inode, so
/// links and other spellings of the path count).
pub fn is_one_of(path: &Path, inputs: &[PathBuf]) -> bool {
    let Ok(out) = fs::metadata(path) else {
        return false;
    };
    inputs
        .iter()
        .any(|i| fs::metadata(i).is_ok_and(|m| m.dev() == out.dev() && m.ino() == out.ino()))
}

/// True when a regular file has no write permission for anyone: `fmt` leaves such a file
/// alone, as editors do, even when running as root.
pub fn is_read_only(path: &Path) -> bool {
    fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o222 == 0)
}

/// Standard output that remembers its first error, so a run can report it once at the end
/// (`scn test > /dev/full` must not exit 0) while commands write freely.
pub struct Tracked<'w> {
    inner: &'w mut dyn Write,
    error: Option<io::Error>,
}

impl<'w> Tracked<'w> {
    /// Wraps a writer.
    pub fn new(inner: &'w mut dyn Write) -> Self {
        Tracked { inner, error: None }
    }

    /// Flushes, and returns the first error any write or the flush met.
    pub fn finish(mut self) -> Option<io::Error> {
        if let Err(e) = self.inner.flush() {
            self.error.get_or_insert(e);
        }
        self.error
    }
}

impl Write for Tracked<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Some(e) = &self.error {
            // Once broken, stay broken: later writes would only interleave with the error.
            return Err(io::Error::new(e.kind(), e.to_string()));
        }
        self.inner.write(buf).inspect_err(|e| {
            self.error = Some(io::Error::new(e.kind(), e.to_string()));
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush().inspect_err(|e| {
            self.error
                .get_or_insert_with(|| io::Error::new(e.kind(), e.to_string()));
        })
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::{FileTypeExt, symlink};

    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn replaces_contents_keeps_the_mode_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.scn");
        fs::write(&target, "old").unwrap();
        fs::set_permissions(&target, fs::Permissions::from_mode(0o640)).unwrap();
        write_file(&target, b"new").unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "new");
        let mode = fs::metadata(&target).unwrap().permissions().mode() & 0o7777;
        assert_eq!(mode, 0o640);
        assert_eq!(names(dir.path()), ["a.scn"]);
    }

    #[test]
    fn a_symlink_is_written_through_and_stays_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.html");
        let link = dir.path().join("link.html");
        fs::write(&real, "old").unwrap();
        symlink(&real, &link).unwrap();
        write_file(&link, b"new").unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
        assert_eq!(names(dir.path()), ["link.html", "real.html"]);
    }

    #[test]
    fn a_device_is_written_not_replaced() {
        let null = Path::new("/dev/null");
        let before = fs::metadata(null).unwrap();
        write_file(null, b"report").unwrap();
        let after = fs::metadata(null).unwrap();
        assert!(after.file_type().is_char_device());
        assert_eq!((before.ino(), before.rdev()), (after.ino(), after.rdev()));
    }

    #[test]
    fn hard_links_keep_sharing_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.md");
        let b = dir.path().join("b.md");
        fs::write(&a, "old").unwrap();
        fs::hard_link(&a, &b).unwrap();
        write_file(&a, b"new").unwrap();
        assert_eq!(fs::read_to_string(&b).unwrap(), "new");
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("sub");
        fs::create_dir(&target).unwrap();
        // A folder is not a regular file: written directly, which fails.
        assert!(write_file(&target, b"x").is_err());
        assert_eq!(names(dir.path()), ["sub"]);
    }

    #[test]
    fn a_report_that_fails_half_way_leaves_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("r.json");
        fs::write(&target, "old").unwrap();
        let half = |w: &mut dyn Write| -> io::Result<()> {
            w.write_all(b"{\"half\": ")?;
            Err(io::Error::other("the renderer gave up"))
        };
        let e = write_file_with(&target, half).unwrap_err();
        assert_eq!(e.to_string(), "the renderer gave up");
        assert_eq!(fs::read_to_string(&target).unwrap(), "old");
        assert_eq!(names(dir.path()), ["r.json"]);

        // With two names, the file is written in place and its old text put back.
        let other = dir.path().join("s.json");
        fs::hard_link(&target, &other).unwrap();
        assert!(write_file_with(&target, half).is_err());
        assert_eq!(fs::read_to_string(&other).unwrap(), "old");
        // And a longer report, streamed in pieces, is cut to its own length.
        fs::write(&target, "a much longer old text").unwrap();
        write_file_with(&target, |w| {
            for piece in ["n", "e", "w"] {
                w.write_all(piece.as_bytes())?;
            }
            Ok(())
        })
        .unwrap();
        assert_eq!(fs::read_to_string(&other).unwrap(), "new");
    }

    #[test]
    fn a_planted_temporary_name_is_never_opened() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        fs::write(&victim, "keep").unwrap();
        // The old writer's predictable name, planted as a link to another file.
        let target = dir.path().join("r.txt");
        let planted = dir
            .path()
            .join(format!(".r.txt.scn-tmp-{}", std::process::id()));
        symlink(&victim, &planted).unwrap();
        write_file(&target, b"report").unwrap();
        assert_eq!(fs::read_to_string(&victim).unwrap(), "keep");
        assert_eq!(fs::read_to_string(&target).unwrap(), "report");
    }

    #[test]
    fn outputs_that_are_inputs_are_recognised() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.scn");
        fs::write(&a, "x").unwrap();
        let via_link = dir.path().join("l.scn");
        symlink(&a, &via_link).unwrap();
        let inputs = vec![fs::canonicalize(&a).unwrap()];
        assert!(is_one_of(&via_link, &inputs));
        assert!(is_one_of(&dir.path().join("./a.scn"), &inputs));
        assert!(!is_one_of(&dir.path().join("b.scn"), &inputs));
    }

    #[test]
    fn tracked_output_keeps_the_first_error() {
        struct Full;
        impl Write for Full {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::from_raw_os_error(28))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut full = Full;
        let mut t = Tracked::new(&mut full);
        let _ = t.write_all(b"a");
        let _ = t.write_all(b"b");
        let e = t.finish().expect("an error");
        assert_eq!(e.raw_os_error(), None);
        assert!(e.to_string().contains("No space left"), "{e}");
    }
}
