//! `scn lsp`: a language server over standard input and output (docs/editors.md).
//!
//! Built on `lsp-server` and `lsp-types`, the synchronous scaffold and protocol types of
//! rust-analyzer: one thread runs the loop (the worker thread, whose stack holds the deepest
//! file the parser accepts), two more move bytes. Modules: [`server`] the loop and dispatch,
//! [`document`] a document's text and analysis, [`syntax`] the index of names the features
//! read, one module per feature, [`position`] and [`uri`] the protocol's coordinates.

mod completion;
mod definition;
mod diagnostics;
mod document;
mod framing;
mod hover;
mod link;
mod open;
mod position;
mod server;
mod symbols;
mod syntax;
mod tokens;
mod uri;

#[cfg(test)]
mod tests;

use std::fs::File;
use std::io::BufReader;
use std::os::fd::AsFd;

use lsp_server::Message;

use crate::Exit;
use crate::input::RunOptions;
use framing::Incoming;

pub(crate) use server::Ended;

/// Runs the server on the process's standard input and output until the client says `exit`.
pub(crate) fn run(options: RunOptions) -> Exit {
    let (conn, written) = match stdio() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("scn lsp: error: cannot use the standard streams: {e}");
            return Exit::Usage;
        }
    };
    let env = document::Env {
        root: None,
        options,
        open: open::OpenFiles::default(),
    };
    let ended = server::serve(&conn, env);
    // The answers sent last may still be on their way out: exiting now would cut them off.
    drop(conn);
    let _ = written.recv_timeout(WRITER_GRACE);
    match ended {
        Ended::Clean => Exit::Ok,
        // The protocol's exit code for `exit` without `shutdown`.
        Ended::Abrupt => Exit::Invalid,
    }
}

/// How long the server waits at its end for its last messages to be written, for a client
/// that stopped reading.
const WRITER_GRACE: std::time::Duration = std::time::Duration::from_secs(5);

/// The client's messages read ahead while the server works.
const QUEUED_MESSAGES: usize = 1024;

/// A connection over copies of the standard input and output descriptors, and a channel
/// that disconnects when every message sent on it has been written.
///
/// Copies, because the worker thread that runs every command holds the locks of the
/// process's `Stdin` and `Stdout` for its whole life: reader and writer threads that went
/// through them would wait forever.
fn stdio() -> std::io::Result<(link::Link, crossbeam_channel::Receiver<()>)> {
    let input = File::from(std::io::stdin().as_fd().try_clone_to_owned()?);
    let mut output = File::from(std::io::stdout().as_fd().try_clone_to_owned()?);
    // Room for the messages that arrive while a document is analysed: the loop takes all
    // that wait before it analyses again (see `server`), and with no room the reader could
    // hand over only one, so a burst of edits cost an analysis each (20 edits of a costly
    // file: 21 s before a hover was answered).
    let (to_server, from_client) = crossbeam_channel::bounded::<Message>(QUEUED_MESSAGES);
    let (to_client, from_server) = crossbeam_channel::bounded::<link::Outgoing>(0);
    // The reader answers the requests the server never sees (`framing::Incoming::Refused`)
    // through the writer too, so that every message is written whole by one thread.
    let refusals = to_client.clone();
    std::thread::Builder::new()
        .name("lsp-reader".into())
        .spawn(move || {
            let mut input = BufReader::new(input);
            loop {
                match framing::read(&mut input) {
                    Ok(Some(Incoming::Refused(answer))) => {
                        let answer = link::Outgoing::Serialised(answer.to_string());
                        if refusals.send(answer).is_err() {
                            break;
                        }
                    }
                    Ok(Some(Incoming::Message(msg))) => {
                        let exit = matches!(&msg, Message::Notification(n) if n.method == "exit");
                        if to_server.send(msg).is_err() || exit {
                            break;
                        }
                    }
                    Ok(None) => break,
                    // A message skipped: say so, tell the server when it may have been a
                    // change (its copies of the documents may then be stale), read the next.
                    Ok(Some(Incoming::Lost { why, change })) => {
                        eprintln!("scn lsp: ignored a message: {why}");
                        if change && to_server.send(server::lost_change()).is_err() {
                            break;
                        }
                    }
                    // A header that cannot be read: whatever it framed is lost.
                    Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                        eprintln!("scn lsp: ignored a message: {e}");
                        if to_server.send(server::lost_change()).is_err() {
                            break;
                        }
                    }
                    Err(e) => {
                        eprintln!("scn lsp: cannot read standard input: {e}");
                        break;
                    }
                }
            }
        })?;
    let (done, written) = crossbeam_channel::bounded::<()>(0);
    std::thread::Builder::new()
        .name("lsp-writer".into())
        .spawn(move || {
            let _done = done;
            for msg in from_server {
                let written = match msg {
                    link::Outgoing::Message(m) => m.write(&mut output),
                    link::Outgoing::Serialised(body) => framing::write_body(&mut output, &body),
                };
                if written.is_err() {
                    break;
                }
            }
        })?;
    Ok((
        link::Link {
            sender: to_client,
            receiver: from_client,
        },
        written,
    ))
}
