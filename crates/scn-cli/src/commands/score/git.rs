//! The few questions `scn score --history` asks git, each one run of the user's own `git`
//! with fixed arguments: where the repository is, which commits changed some files, and
//! the files' bytes at a commit (one `git cat-file --batch` process answers them all).
//!
//! git is run without a pager, prompt, optional locks or file-system monitor (a monitor
//! hook named in a repository's config would run a program), and paths are passed as
//! literal pathspecs after `--`.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// A git repository's working tree.
#[derive(Clone, Debug)]
pub(crate) struct Repo {
    /// Its top folder, canonical.
    top: PathBuf,
}

/// One commit of a log: its hash, committer time (seconds since 1970, UTC) and the paths it
/// changed (relative to the repository's top).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Commit {
    pub hash: String,
    pub time: i64,
    pub paths: Vec<String>,
}

fn command(dir: &Path) -> Command {
    let mut c = Command::new("git");
    c.arg("-C")
        .arg(dir)
        .args([
            "--no-pager",
            "--literal-pathspecs",
            "-c",
            "core.fsmonitor=false",
            "-c",
            "core.quotepath=off",
        ])
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .stdin(Stdio::null());
    c
}

fn cannot_run(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => {
            "cannot run `git`: it is not installed or not on PATH (--history needs it)".into()
        }
        _ => format!("cannot run `git`: {e}"),
    }
}

/// Runs git in `dir`; its standard output, or its complaint.
fn git(dir: &Path, args: &[&OsStr]) -> Result<Vec<u8>, String> {
    let out = command(dir)
        .args(args)
        .output()
        .map_err(|e| cannot_run(&e))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        let text = String::from_utf8_lossy(&out.stderr);
        let line = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("no message");
        Err(scn_dsl::sanitize(line).into_owned())
    }
}

impl Repo {
    /// The repository holding `file`, and the file's path relative to its top.
    pub(crate) fn around(file: &Path) -> Result<(Repo, String), String> {
        let canonical = std::fs::canonicalize(file).map_err(|e| e.to_string())?;
        let dir = canonical.parent().unwrap_or(Path::new("/"));
        let out = git(dir, &["rev-parse".as_ref(), "--show-toplevel".as_ref()])?;
        let top = String::from_utf8(out)
            .map_err(|_| "git names the repository with a path that is not UTF-8".to_owned())?;
        let top = std::fs::canonicalize(top.trim_end_matches('\n')).map_err(|e| e.to_string())?;
        let rel = canonical
            .strip_prefix(&top)
            .map_err(|_| "the file lies outside its repository's top folder".to_owned())?;
        let rel = rel
            .to_str()
            .ok_or_else(|| "the file's path is not UTF-8".to_owned())?
            .to_owned();
        Ok((Repo { top }, rel))
    }

    /// Its top folder.
    pub(crate) fn top(&self) -> &Path {
        &self.top
    }

    /// The commits that changed `path`, following it through renames, newest first; each
    /// lists the name the file had in that commit.
    pub(crate) fn log_follow(&self, path: &str) -> Result<Vec<Commit>, String> {
        self.log(&["--follow"], &[path])
    }

    /// The commits that changed any of `paths`, newest first, with the paths each changed.
    pub(crate) fn log_paths(&self, paths: &[&str]) -> Result<Vec<Commit>, String> {
        self.log(&[], paths)
    }

    fn log(&self, extra: &[&str], paths: &[&str]) -> Result<Vec<Commit>, String> {
        let mut args: Vec<&OsStr> = vec![
            "log".as_ref(),
            "-z".as_ref(),
            "--name-only".as_ref(),
            // \x01 starts each commit: it cannot begin a path git prints.
            "--format=%x01%H %ct".as_ref(),
        ];
        args.extend(extra.iter().map(OsStr::new));
        args.push("--".as_ref());
        args.extend(paths.iter().map(OsStr::new));
        let out = git(&self.top, &args)?;
        let text = String::from_utf8_lossy(&out);
        let mut commits = Vec::new();
        for chunk in text.split('\x01').filter(|c| !c.is_empty()) {
            let mut fields = chunk.split('\0');
            let head = fields.next().unwrap_or("");
            let (hash, time) = head
                .split_once(' ')
                .ok_or_else(|| format!("git log printed an unexpected line: {head:?}"))?;
            let time = time
                .trim()
                .parse::<i64>()
                .map_err(|_| format!("git log printed an unexpected time: {time:?}"))?;
            let paths = fields
                .map(|p| p.trim_start_matches('\n'))
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect();
            commits.push(Commit {
                hash: hash.to_owned(),
                time,
                paths,
            });
        }
        Ok(commits)
    }

    /// A reader of files at commits.
    pub(crate) fn blobs(&self) -> Result<Blobs, String> {
        let mut child = command(&self.top)
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| cannot_run(&e))?;
        let stdin = child.stdin.take().ok_or("git cat-file has no input")?;
        let stdout = child.stdout.take().ok_or("git cat-file has no output")?;
        Ok(Blobs {
            child,
            stdin,
            stdout: BufReader::new(stdout),
        })
    }
}

/// Files at commits, read through one `git cat-file --batch`.
pub(crate) struct Blobs {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Blobs {
    /// The bytes of `path` at `commit`; `None` when there is no such file (or it is not a
    /// file), or when it is larger than `max` bytes.
    pub(crate) fn read(
        &mut self,
        commit: &str,
        path: &str,
        max: u64,
    ) -> Result<Option<Vec<u8>>, String> {
        // cat-file reads one request per line.
        if path.contains(['\n', '\r']) {
            return Ok(None);
        }
        let broken = |e: std::io::Error| format!("git cat-file stopped answering: {e}");
        writeln!(self.stdin, "{commit}:{path}").map_err(broken)?;
        self.stdin.flush().map_err(broken)?;
        let mut header = String::new();
        self.stdout.read_line(&mut header).map_err(broken)?;
        let fields: Vec<&str> = header.trim_end().split(' ').collect();
        let [_, kind, size] = fields.as_slice() else {
            // `<request> missing`, or `ambiguous`.
            return Ok(None);
        };
        let size: u64 = size
            .parse()
            .map_err(|_| format!("git cat-file printed an unexpected line: {header:?}"))?;
        // The content, then a newline.
        let mut body = (&mut self.stdout).take(size + 1);
        if *kind != "blob" || size > max {
            std::io::copy(&mut body, &mut std::io::sink()).map_err(broken)?;
            return Ok(None);
        }
        let mut bytes = Vec::with_capacity(size as usize + 1);
        body.read_to_end(&mut bytes).map_err(broken)?;
        bytes.pop();
        Ok(Some(bytes))
    }
}

impl Drop for Blobs {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
