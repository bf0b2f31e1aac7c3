//! External plugins: an executable speaking JSON lines on stdin/stdout (`docs/plugins.md`).
//!
//! The process starts at the first use and lives for the run. Each request waits at most the
//! plugin's time limit; a process that crashes, exits, hangs or answers garbage turns into an
//! error message, never a panic or a hang. Once a plugin has failed, every later call reports
//! the same failure instead of starting it again.
//!
//! A plugin runs in a process group of its own, and the whole group is killed when the
//! plugin is dropped, when it fails, and by [`stop_all`] (which the command line calls on
//! exit and on SIGINT/SIGTERM): nothing it started outlives the run. Its answers are read
//! one bounded line at a time through a bounded queue, so a plugin that floods its output
//! costs at most [`MAX_LINE`] × [`QUEUED_LINES`] bytes.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value as Json, json};

use super::{Launched, Plugin, Signature, Value};
use crate::dist::DistKind;
use crate::functions::Arity;

/// Most of a plugin's stderr kept for an error message.
const STDERR_KEPT: usize = 2000;

/// Longest answer line read from a plugin, in bytes.
pub(crate) const MAX_LINE: usize = 1 << 20;

/// Answer lines read ahead of the requests that wait for them.
pub(crate) const QUEUED_LINES: usize = 4;

/// Process groups of the plugins still running, for [`stop_all`].
static LIVE_GROUPS: Mutex<Vec<u32>> = Mutex::new(Vec::new());

/// Kills every plugin's process group still running. For the end of a process and for
/// signal handlers: dropping each plugin does the same for one.
pub fn stop_all() {
    let groups = std::mem::take(&mut *live_groups());
    for g in groups {
        kill_group(g);
    }
}

fn live_groups() -> std::sync::MutexGuard<'static, Vec<u32>> {
    LIVE_GROUPS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// SIGKILL to a plugin's whole process group (the plugin and whatever it started). Called
/// only before the plugin itself is reaped, while its id still names its group.
fn kill_group(pgid: u32) {
    if let Some(pid) = i32::try_from(pgid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    {
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
    }
}

/// A plugin run as a child process.
pub(crate) struct ExternalPlugin {
    name: String,
    command: Vec<String>,
    dir: PathBuf,
    timeout: Duration,
    state: Mutex<State>,
}

enum State {
    NotStarted,
    Running(Box<Proc>),
    Failed(String),
}

struct Proc {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<std::io::Result<String>>,
    stderr: Arc<Mutex<String>>,
    next_id: u64,
    functions: Vec<Signature>,
}

impl Proc {
    /// Kills the process group and reaps the plugin, once.
    fn stop(&mut self) {
        let pgid = self.child.id();
        let mut live = live_groups();
        // A group no longer listed was killed by `stop_all`, or here already.
        if let Some(at) = live.iter().position(|&g| g == pgid) {
            live.swap_remove(at);
            kill_group(pgid);
        }
        drop(live);
        let _ = self.child.wait();
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.stop();
    }
}

impl ExternalPlugin {
    /// A plugin named `name` run as `command` (program and arguments) in `dir`.
    pub(crate) fn new(name: &str, command: Vec<String>, dir: PathBuf, timeout: Duration) -> Self {
        ExternalPlugin {
            name: name.to_owned(),
            command,
            dir,
            timeout,
            state: Mutex::new(State::NotStarted),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn with_proc<T>(
        &self,
        f: impl FnOnce(&mut Proc, &str, Duration) -> Result<T, Failure>,
    ) -> Result<T, String> {
        let mut state = self.lock();
        if matches!(*state, State::NotStarted) {
            *state = match self.start() {
                Ok(p) => State::Running(Box::new(p)),
                Err(e) => State::Failed(e),
            };
        }
        match &mut *state {
            State::Running(p) => match f(p, &self.name, self.timeout) {
                Ok(v) => Ok(v),
                Err(Failure::Answer(e)) => Err(e),
                Err(Failure::Broken(e)) => {
                    // A broken protocol leaves the process in an unknown state: stop it.
                    *state = State::Failed(e.clone());
                    Err(e)
                }
            },
            State::Failed(e) => Err(e.clone()),
            State::NotStarted => unreachable!("started above"),
        }
    }

    fn start(&self) -> Result<Proc, String> {
        let name = &self.name;
        let Some((program, args)) = self.command.split_first() else {
            return Err(format!(
                "the plugin `{name}` has an empty `command` in scn.toml"
            ));
        };
        // The registry lock is held across the spawn so that `stop_all` cannot run between
        // the start of a process and its listing.
        let mut live = live_groups();
        let mut child = Command::new(program)
            .args(args)
            .current_dir(&self.dir)
            .process_group(0)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start the plugin `{name}` ({:?}): {e}", self.command))?;
        live.push(child.id());
        drop(live);
        let stdin = child.stdin.take().expect("piped");
        let stdout = child.stdout.take().expect("piped");
        let mut stderr_pipe = child.stderr.take().expect("piped");
        let (tx, lines) = sync_channel(QUEUED_LINES);
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                match read_line(&mut reader, MAX_LINE) {
                    Ok(None) => break,
                    Ok(Some(line)) => {
                        if tx.send(Ok(line)).is_err() {
                            break;
                        }
                    }
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        break;
                    }
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let kept = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut buf = [0u8; 1024];
            while let Ok(n) = stderr_pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let mut s = kept
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                if s.len() < STDERR_KEPT {
                    s.push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            }
        });
        let mut proc = Proc {
            child,
            stdin,
            lines,
            stderr,
            next_id: 1,
            functions: Vec::new(),
        };
        let answer = request(&mut proc, name, self.timeout, json!({"method": "describe"}))
            .map_err(Failure::message)?;
        proc.functions = parse_functions(name, &answer)?;
        Ok(proc)
    }
}

/// Why a request failed.
enum Failure {
    /// The plugin answered with an error: it can go on answering.
    Answer(String),
    /// The process or the protocol broke: the plugin is done for this run.
    Broken(String),
}

impl Failure {
    fn message(self) -> String {
        match self {
            Failure::Answer(m) | Failure::Broken(m) => m,
        }
    }
}

/// Sends one request and waits for its answer.
fn request(p: &mut Proc, name: &str, timeout: Duration, mut body: Json) -> Result<Json, Failure> {
    let id = p.next_id;
    p.next_id += 1;
    body["id"] = json!(id);
    let line = format!("{body}\n");
    if p.stdin
        .write_all(line.as_bytes())
        .and_then(|()| p.stdin.flush())
        .is_err()
    {
        return Err(Failure::Broken(exited(p, name)));
    }
    let answer = match p.lines.recv_timeout(timeout) {
        Ok(Ok(line)) => line,
        Ok(Err(e)) => {
            return Err(Failure::Broken(format!(
                "the plugin `{name}` could not be read: {e}"
            )));
        }
        Err(RecvTimeoutError::Timeout) => {
            p.stop();
            return Err(Failure::Broken(format!(
                "the plugin `{name}` did not answer within {} ms",
                timeout.as_millis()
            )));
        }
        Err(RecvTimeoutError::Disconnected) => return Err(Failure::Broken(exited(p, name))),
    };
    let short: String = answer.chars().take(120).collect();
    let json: Json = serde_json::from_str(&answer).map_err(|_| {
        Failure::Broken(format!(
            "the plugin `{name}` answered something that is not JSON: `{short}`"
        ))
    })?;
    match json.get("id") {
        Some(got) if *got == json!(id) => {}
        Some(got) => {
            return Err(Failure::Broken(format!(
                "the plugin `{name}` answered request {id} with the id {got}"
            )));
        }
        None => {
            return Err(Failure::Broken(format!(
                "the plugin `{name}` answered request {id} without an id: `{short}`"
            )));
        }
    }
    if let Some(err) = json.get("error") {
        let msg = err.as_str().map_or_else(|| err.to_string(), str::to_owned);
        return Err(Failure::Answer(format!(
            "the plugin `{name}` reported an error: {msg}"
        )));
    }
    Ok(json)
}

/// One line without its line break; `None` at the end of the output. A line longer than
/// `max` bytes is an error, read no further.
fn read_line(r: &mut impl BufRead, max: usize) -> std::io::Result<Option<String>> {
    let mut buf = Vec::new();
    let n = r.take(max as u64 + 1).read_until(b'\n', &mut buf)?;
    if n == 0 {
        return Ok(None);
    }
    if buf.last() == Some(&b'\n') {
        buf.pop();
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
    } else if buf.len() > max {
        return Err(std::io::Error::other(format!(
            "it wrote a line longer than {max} bytes"
        )));
    }
    String::from_utf8(buf)
        .map(Some)
        .map_err(|_| std::io::Error::other("it wrote a line that is not UTF-8"))
}

/// Why the process is gone, with the end of what it wrote to stderr. Stops what is left of
/// its group.
fn exited(p: &mut Proc, name: &str) -> String {
    let pgid = p.child.id();
    {
        let mut live = live_groups();
        if let Some(at) = live.iter().position(|&g| g == pgid) {
            live.swap_remove(at);
            kill_group(pgid);
        }
    }
    let status = p
        .child
        .wait()
        .map(|s| s.to_string())
        .unwrap_or_else(|e| e.to_string());
    let stderr = p
        .stderr
        .lock()
        .map(|s| s.trim().to_owned())
        .unwrap_or_default();
    let tail: String = stderr
        .lines()
        .rev()
        .take(3)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect::<Vec<_>>()
        .join(" / ");
    if tail.is_empty() {
        format!("the plugin `{name}` exited ({status})")
    } else {
        format!("the plugin `{name}` exited ({status}): {tail}")
    }
}

fn parse_functions(name: &str, answer: &Json) -> Result<Vec<Signature>, String> {
    let bad = || format!("the plugin `{name}` answered `describe` without a list of functions");
    let list = answer
        .get("functions")
        .and_then(Json::as_array)
        .ok_or_else(bad)?;
    list.iter()
        .map(|f| {
            let fname = f.get("name").and_then(Json::as_str).ok_or_else(bad)?;
            let arity = match f.get("arity") {
                Some(Json::Number(n)) => Arity::Exactly(n.as_u64().ok_or_else(bad)? as usize),
                Some(Json::String(s)) if s == "any" => Arity::AtLeast(1),
                _ => {
                    return Err(format!(
                        "the plugin `{name}` gave `{fname}` no arity (a number, or \"any\")"
                    ));
                }
            };
            let doc = f
                .get("doc")
                .and_then(Json::as_str)
                .unwrap_or_default()
                .to_owned();
            Ok(Signature {
                name: fname.to_owned(),
                arity,
                doc,
            })
        })
        .collect()
}

/// Reads `{"value": x}` or `{"dist": "beta", "params": [a, b]}`.
fn parse_value(name: &str, answer: &Json) -> Result<Value, String> {
    let short: String = answer.to_string().chars().take(120).collect();
    if let Some(v) = answer.get("value") {
        return match v.as_f64() {
            Some(x) if x.is_finite() => Ok(Value::Number(x)),
            _ => Err(format!(
                "the plugin `{name}` answered a value that is not a finite number: `{short}`"
            )),
        };
    }
    if let Some(d) = answer.get("dist").and_then(Json::as_str) {
        let kind = match d {
            "to" => DistKind::To,
            other => DistKind::from_name(other).ok_or_else(|| {
                format!("the plugin `{name}` answered an unknown distribution `{other}`")
            })?,
        };
        let params: Vec<f64> = answer
            .get("params")
            .and_then(Json::as_array)
            .map(|a| a.iter().filter_map(Json::as_f64).collect())
            .unwrap_or_default();
        if params.len() != kind.arity() || params.iter().any(|p| !p.is_finite()) {
            return Err(format!(
                "the plugin `{name}` answered `{d}` with {} finite parameters, not {}",
                params.len(),
                kind.arity()
            ));
        }
        kind.check(&params)
            .map_err(|e| format!("the plugin `{name}` answered an invalid distribution: {e}"))?;
        return Ok(Value::Dist(kind, params));
    }
    Err(format!(
        "the plugin `{name}` answered neither a value nor a distribution: `{short}`"
    ))
}

impl Plugin for ExternalPlugin {
    fn name(&self) -> &str {
        &self.name
    }

    fn signatures(&self) -> Result<Vec<Signature>, String> {
        self.with_proc(|p, _, _| Ok(p.functions.clone()))
    }

    fn call(&self, function: &str, args: &[f64]) -> Result<Value, String> {
        self.with_proc(|p, name, timeout| {
            let answer = request(
                p,
                name,
                timeout,
                json!({"method": "call", "function": function, "args": args}),
            )?;
            parse_value(name, &answer).map_err(Failure::Answer)
        })
    }

    fn load_time_only(&self) -> bool {
        true
    }

    fn launched(&self) -> Option<Launched> {
        let started = !matches!(&*self.lock(), State::NotStarted);
        started.then(|| Launched {
            name: self.name.clone(),
            command: self.command.clone(),
            dir: self.dir.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_bounded() {
        let mut r = BufReader::new(&b"short\r\nabcdefgh\nend"[..]);
        assert_eq!(read_line(&mut r, 8).unwrap().as_deref(), Some("short"));
        assert_eq!(read_line(&mut r, 8).unwrap().as_deref(), Some("abcdefgh"));
        assert_eq!(read_line(&mut r, 8).unwrap().as_deref(), Some("end"));
        assert_eq!(read_line(&mut r, 8).unwrap(), None);
        let mut long = BufReader::new(&b"abcdefghi\n"[..]);
        let e = read_line(&mut long, 8).unwrap_err();
        assert!(e.to_string().contains("longer than 8 bytes"), "{e}");
    }
}
