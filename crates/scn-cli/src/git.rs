//! Reading files as a git repository holds them at some revision, with the user's own `git`.
//!
//! `REV:PATH` names `PATH` (a path on disk, as for any file argument) as the repository
//! around it holds it at revision `REV`. Each question is one run of `git` with a fixed
//! set of arguments: `rev-parse` to find the repository and the commit, `cat-file blob` to
//! read a file, `log` and `diff-tree` for a file's history. Revisions are passed after
//! `--end-of-options`, paths as literal pathspecs, git never pages or prompts, and the
//! repository's own settings cannot make it start a program ([`NO_PROGRAMS`]).

use std::cell::RefCell;
use std::collections::HashMap;
use std::ffi::OsStr;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

/// A git repository's working tree.
#[derive(Clone, Debug)]
pub struct Repo {
    /// Its top folder.
    pub(crate) top: PathBuf,
}

/// Settings given on git's command line, where they win over the repository's own: a
/// downloaded folder's `.git/config` is the author's, and these are the ones that make the
/// read-only commands scn runs start a program (a file system monitor; a signature check,
/// which `log.showSignature` asks `log` for). The signing programs are pointed at nothing
/// too, so that no other route to them runs the author's.
const NO_PROGRAMS: [&str; 5] = [
    "core.fsmonitor=false",
    "log.showSignature=false",
    "gpg.program=/nonexistent/scn-runs-no-gpg",
    "gpg.ssh.program=/nonexistent/scn-runs-no-gpg",
    "gpg.x509.program=/nonexistent/scn-runs-no-gpg",
];

/// Runs `git -C dir ARGS`; `Err` with a message for the user when git cannot be run.
fn git(dir: &Path, args: &[&OsStr]) -> Result<std::process::Output, String> {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["--no-pager", "--literal-pathspecs"])
        .args(NO_PROGRAMS.iter().flat_map(|setting| ["-c", setting]))
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => {
                "cannot run `git`: it is not installed or not on PATH (reading REV:PATH and \
                 --history need it)"
                    .to_owned()
            }
            _ => format!("cannot run `git`: {e}"),
        })
}

/// git's own complaint, on one line.
fn complaint(out: &std::process::Output) -> String {
    let text = String::from_utf8_lossy(&out.stderr);
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("no message");
    clean(line)
}

/// Text from git (commit subjects, messages) without control characters, which could
/// otherwise drive the terminal.
pub fn clean(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}

/// Removes `.` and resolves `..` without touching the disk; `None` if `..` climbs above
/// the start.
fn normalise(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::Normal(p) => out.push(p),
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

impl Repo {
    /// The repository around `path` (which need not exist), and `path` relative to its top.
    pub fn around(path: &Path) -> Result<(Repo, PathBuf), String> {
        let file = path
            .file_name()
            .ok_or_else(|| match path.as_os_str().is_empty() {
                true => "the path after `REV:` is empty: write REV:FILE".to_owned(),
                false => format!(
                    "{} does not name a file",
                    clean(&path.display().to_string())
                ),
            })?;
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        // The nearest folder that exists; the rest of the way is added back afterwards.
        let mut base = dir.clone();
        let mut rest = Vec::new();
        while !base.is_dir() {
            match (base.file_name(), base.parent()) {
                (Some(name), Some(parent)) => {
                    rest.push(name.to_owned());
                    base = if parent.as_os_str().is_empty() {
                        PathBuf::from(".")
                    } else {
                        parent.to_path_buf()
                    };
                }
                _ => return Err(format!("no folder of {} exists", path.display())),
            }
        }
        let out = git(
            &base,
            &[
                "rev-parse".as_ref(),
                "--show-toplevel".as_ref(),
                "--show-prefix".as_ref(),
            ],
        )?;
        if !out.status.success() {
            return Err(format!(
                "{} is not inside a git repository (git: {})",
                dir.display(),
                complaint(&out)
            ));
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let mut lines = text.lines();
        let top = PathBuf::from(lines.next().unwrap_or_default());
        let mut rel = PathBuf::from(lines.next().unwrap_or_default());
        for name in rest.iter().rev() {
            rel.push(name);
        }
        rel.push(file);
        let rel = normalise(&rel).ok_or_else(|| {
            format!(
                "{} is outside the git repository at {}",
                path.display(),
                top.display()
            )
        })?;
        Ok((Repo { top }, rel))
    }

    /// The commit a revision names.
    pub fn commit(&self, rev: &str) -> Result<String, String> {
        if rev.is_empty() {
            return Err("REV:PATH needs a revision before the colon (for example HEAD~1)".into());
        }
        let spec = format!("{rev}^{{commit}}");
        let out = git(
            &self.top,
            &[
                "rev-parse".as_ref(),
                "--verify".as_ref(),
                "--quiet".as_ref(),
                "--end-of-options".as_ref(),
                spec.as_ref(),
            ],
        )?;
        let hash = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        if !out.status.success() || hash.is_empty() {
            return Err(format!(
                "unknown revision `{}` in the git repository at {}",
                clean(rev),
                self.top.display()
            ));
        }
        Ok(hash)
    }

    /// The file at `rel` (relative to the top) in `commit`; `Ok(None)` when there is none.
    pub fn read(&self, commit: &str, rel: &Path) -> Result<Option<Vec<u8>>, String> {
        // A path git would read as an option or another revision cannot name a file here.
        let rel = rel.to_string_lossy().replace('\\', "/");
        let object = format!("{commit}:{rel}");
        let out = git(
            &self.top,
            &["cat-file".as_ref(), "blob".as_ref(), object.as_ref()],
        )?;
        Ok(out.status.success().then_some(out.stdout))
    }

    /// The commits that changed any of `paths` (relative to the top), oldest first: hash,
    /// committer date (`YYYY-MM-DD`) and subject.
    pub fn log(&self, paths: &[PathBuf]) -> Result<Vec<Commit>, String> {
        let mut args: Vec<&OsStr> = vec![
            "log".as_ref(),
            "--no-renames".as_ref(),
            "--reverse".as_ref(),
            "--format=%H%x00%cI%x00%s".as_ref(),
            "--".as_ref(),
        ];
        args.extend(paths.iter().map(|p| p.as_os_str()));
        let out = git(&self.top, &args)?;
        if !out.status.success() {
            // An empty repository has no history to show.
            return if complaint(&out).contains("does not have any commits") {
                Ok(Vec::new())
            } else {
                Err(format!("git log failed: {}", complaint(&out)))
            };
        }
        let text = String::from_utf8_lossy(&out.stdout);
        Ok(text
            .lines()
            .filter_map(|line| {
                let mut parts = line.splitn(3, '\0');
                let hash = parts.next()?.to_owned();
                let date = parts.next()?.chars().take(10).collect();
                let subject = parts.next().unwrap_or_default().to_owned();
                Some(Commit {
                    hash,
                    date,
                    subject,
                })
            })
            .collect())
    }

    /// For every commit of the history, the latest committer day (`YYYY-MM-DD`) of it and its
    /// ancestors: the earliest day it can have been made. A committer date is whatever the
    /// committer's clock said, so a commit dated before a commit it descends from was made
    /// after that one's day whatever it claims.
    pub fn earliest_days(&self) -> Result<HashMap<String, String>, String> {
        let out = git(
            &self.top,
            &[
                "log".as_ref(),
                "--topo-order".as_ref(),
                "--reverse".as_ref(),
                "--format=%H %P%x00%cI".as_ref(),
            ],
        )?;
        let mut days: HashMap<String, String> = HashMap::new();
        if !out.status.success() {
            return if complaint(&out).contains("does not have any commits") {
                Ok(days)
            } else {
                Err(format!("git log failed: {}", complaint(&out)))
            };
        }
        // Parents come before their children in this order.
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let Some((ids, date)) = line.split_once('\0') else {
                continue;
            };
            let mut ids = ids.split(' ').filter(|s| !s.is_empty());
            let Some(hash) = ids.next() else {
                continue;
            };
            let mut day: String = date.chars().take(10).collect();
            for parent in ids {
                if let Some(d) = days.get(parent)
                    && *d > day
                {
                    day.clone_from(d);
                }
            }
            days.insert(hash.to_owned(), day);
        }
        Ok(days)
    }

    /// Every path the file at `rel` (relative to the top) has had, following renames: `rel`
    /// first, then older names as `git log --follow` finds them, each once.
    pub fn names(&self, rel: &Path) -> Result<Vec<PathBuf>, String> {
        let out = git(
            &self.top,
            &[
                "log".as_ref(),
                "--follow".as_ref(),
                "-z".as_ref(),
                "--name-only".as_ref(),
                "--format=".as_ref(),
                "--".as_ref(),
                rel.as_os_str(),
            ],
        )?;
        let mut names = vec![rel.to_path_buf()];
        if !out.status.success() {
            return if complaint(&out).contains("does not have any commits") {
                Ok(names)
            } else {
                Err(format!("git log failed: {}", complaint(&out)))
            };
        }
        for p in out.stdout.split(|&b| b == 0) {
            let p = String::from_utf8_lossy(p);
            let p = p.trim_matches('\n');
            if !p.is_empty() && !names.iter().any(|n| n.as_os_str() == p) {
                names.push(PathBuf::from(p));
            }
        }
        Ok(names)
    }

    /// The paths (relative to the top) a commit changed, against its first parent.
    pub fn changed(&self, commit: &str) -> Result<Vec<PathBuf>, String> {
        let out = git(
            &self.top,
            &[
                "diff-tree".as_ref(),
                "--root".as_ref(),
                "--no-commit-id".as_ref(),
                "--no-renames".as_ref(),
                "-r".as_ref(),
                "-z".as_ref(),
                "--name-only".as_ref(),
                "--end-of-options".as_ref(),
                commit.as_ref(),
            ],
        )?;
        if !out.status.success() {
            return Err(format!("git diff-tree failed: {}", complaint(&out)));
        }
        Ok(out
            .stdout
            .split(|&b| b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| PathBuf::from(String::from_utf8_lossy(p).into_owned()))
            .collect())
    }

    /// The files of one commit, for the loader.
    pub fn at(&self, commit: String) -> Snapshot {
        Snapshot {
            repo: self.clone(),
            commit,
            cache: RefCell::new(HashMap::new()),
        }
    }
}

/// A commit of a file's history.
#[derive(Clone, Debug)]
pub struct Commit {
    /// Its full hash.
    pub hash: String,
    /// Its committer date, `YYYY-MM-DD`.
    pub date: String,
    /// The first line of its message, exactly as git gives it: JSON reports keep it so, and
    /// reports for people filter control characters on their way out
    /// (`destination::deliver`).
    pub subject: String,
}

/// The files of one commit. Paths are relative to the repository's top; every file read
/// is kept, so the loader's existence check and its read are one run of git.
pub struct Snapshot {
    repo: Repo,
    commit: String,
    cache: RefCell<HashMap<PathBuf, Vec<u8>>>,
}

impl Snapshot {
    /// Every file read so far, relative to the top: the scenario and its imports.
    pub fn files_read(&self) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = self.cache.borrow().keys().cloned().collect();
        v.sort();
        v
    }

    /// The file at `rel`, if the commit has it.
    pub fn text(&self, rel: &Path) -> Result<Option<Vec<u8>>, String> {
        if let Some(b) = self.cache.borrow().get(rel) {
            return Ok(Some(b.clone()));
        }
        let found = self.repo.read(&self.commit, rel)?;
        if let Some(b) = &found {
            self.cache.borrow_mut().insert(rel.to_path_buf(), b.clone());
        }
        Ok(found)
    }

    /// The file under the first of `names` the commit has (a renamed file's names, newest
    /// first), with that name.
    pub fn first_of<'n>(
        &self,
        names: &'n [PathBuf],
    ) -> Result<Option<(&'n Path, Vec<u8>)>, String> {
        for name in names {
            if let Some(bytes) = self.text(name)? {
                return Ok(Some((name, bytes)));
            }
        }
        Ok(None)
    }
}

impl scn_eval::Files for Snapshot {
    fn canonical(&self, path: &Path) -> io::Result<PathBuf> {
        // Imports name files relative to the importing file; an absolute one must still be
        // inside the working tree to have a version in the commit.
        let rel = if path.is_absolute() {
            path.strip_prefix(&self.repo.top)
                .ok()
                .map(Path::to_path_buf)
        } else {
            Some(path.to_path_buf())
        };
        let short = &self.commit[..self.commit.len().min(7)];
        let rel = rel.and_then(|r| normalise(&r)).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                "it is outside the git repository".to_owned(),
            )
        })?;
        match self.text(&rel) {
            Ok(Some(_)) => Ok(rel),
            Ok(None) => Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("no such file in commit {short}"),
            )),
            Err(e) => Err(io::Error::other(e)),
        }
    }

    fn read(&self, canonical: &Path, max: u64) -> Result<Vec<u8>, String> {
        match self.text(canonical) {
            Ok(Some(b)) if b.len() as u64 > max => {
                Err(format!("it is larger than {} MiB", max >> 20))
            }
            Ok(Some(b)) => Ok(b),
            Ok(None) => Err("no such file in the commit".into()),
            Err(e) => Err(e),
        }
    }
}
