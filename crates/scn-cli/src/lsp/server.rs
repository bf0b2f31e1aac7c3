//! The server's loop: the handshake, then every message in order on one thread.
//!
//! Edits are applied at once but analysed lazily: after each message the loop takes every
//! other message already waiting, and only then analyses the documents that changed and
//! publishes their diagnostics. Typing fast thus costs one analysis per pause, not one per
//! keystroke; a request reads the analysis of the text as it is when the request comes.
//!
//! A handler that panics is answered with an error and the server goes on: any text and any
//! request must leave it running.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::{
    CompletionOptions, DidChangeTextDocumentParams, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DocumentFormattingParams, DocumentSymbolParams,
    DocumentSymbolResponse, GotoDefinitionParams, GotoDefinitionResponse, Hover, HoverContents,
    HoverParams, HoverProviderCapability, InitializeParams, MarkupContent, MarkupKind, OneOf,
    PositionEncodingKind, PublishDiagnosticsParams, SemanticTokensFullOptions,
    SemanticTokensOptions, SemanticTokensParams, SemanticTokensResult,
    SemanticTokensServerCapabilities, ServerCapabilities, TextDocumentPositionParams,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, TextEdit, Uri,
};
use serde_json::Value;

use super::document::{Document, Env};
use super::link::{Link, Outgoing};
use super::{completion, definition, diagnostics, hover, symbols, tokens};

/// The error code the protocol reserves for a request that failed for a reason of its own.
const REQUEST_FAILED: i32 = -32803;

/// How the session ended.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Ended {
    /// `shutdown`, then `exit`.
    Clean,
    /// `exit` without `shutdown`, or the client went away.
    Abrupt,
}

type Failure = (i32, String);

/// The capabilities announced to the client.
pub(crate) fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["#".into(), ".".into(), "(".into()]),
            ..CompletionOptions::default()
        }),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
            SemanticTokensOptions {
                legend: tokens::legend(),
                full: Some(SemanticTokensFullOptions::Bool(true)),
                range: None,
                ..SemanticTokensOptions::default()
            },
        )),
        ..ServerCapabilities::default()
    }
}

/// Runs a session over a connection: the handshake, then messages until `exit`.
pub(crate) fn serve(conn: &Link, mut env: Env) -> Ended {
    let Some((id, params)) = await_initialize(conn) else {
        return Ended::Abrupt;
    };
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    env.root = workspace_root(&params);
    let init = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": { "name": "scn", "version": env!("CARGO_PKG_VERSION") },
    });
    let mut server = Server {
        conn,
        env,
        docs: HashMap::new(),
        shutdown: false,
    };
    server.send(Response::new_ok(id, init));
    while let Ok(msg) = conn.receiver.recv() {
        if let Some(end) = server.handle(msg) {
            return end;
        }
        while let Ok(msg) = conn.receiver.try_recv() {
            if let Some(end) = server.handle(msg) {
                return end;
            }
        }
        server.publish_changed();
    }
    Ended::Abrupt
}

/// The method of the notification the reader sends the server in place of a message it
/// could not read that may have been a change (never sent by a client: `$/` names are the
/// implementation's own).
const LOST_CHANGE: &str = "$/scn/lostChange";

/// That notification.
pub(crate) fn lost_change() -> Message {
    Notification::new(LOST_CHANGE.into(), Value::Null).into()
}

/// Waits for `initialize` by the protocol's rules; `None` when the client says `exit` or goes
/// away first.
///
/// Our own, not lsp-server's: that one ends the session with an error on `exit` (the
/// process then exited 2, not the protocol's 1), panics when the client has gone while it
/// answers, and then insists that `initialized` comes before anything else.
fn await_initialize(conn: &Link) -> Option<(RequestId, Value)> {
    for msg in &conn.receiver {
        match msg {
            Message::Request(req) if req.method == "initialize" => {
                return Some((req.id, req.params));
            }
            Message::Request(req) => {
                let refusal = Response::new_err(
                    req.id,
                    ErrorCode::ServerNotInitialized as i32,
                    format!("{} before initialize", req.method),
                );
                let _ = conn.sender.send(Message::from(refusal).into());
            }
            Message::Notification(n) if n.method == "exit" => return None,
            // Other notifications before `initialize` are dropped, as the protocol says.
            Message::Notification(_) | Message::Response(_) => {}
        }
    }
    None
}

/// The first workspace folder, else the root URI, as a path.
#[allow(deprecated)] // `root_uri` is deprecated in favour of folders, which old clients lack
fn workspace_root(params: &InitializeParams) -> Option<std::path::PathBuf> {
    params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| &f.uri)
        .or(params.root_uri.as_ref())
        .and_then(super::uri::to_path)
}

struct Server<'c> {
    conn: &'c Link,
    env: Env,
    docs: HashMap<Uri, Document>,
    shutdown: bool,
}

impl Server<'_> {
    fn send(&self, msg: impl Into<Message>) {
        self.send_out(Outgoing::Message(msg.into()));
    }

    fn send_out(&self, out: Outgoing) {
        // A client gone away is noticed when its channel closes.
        let _ = self.conn.sender.send(out);
    }

    /// Handles one message; `Some` when the session is over.
    fn handle(&mut self, msg: Message) -> Option<Ended> {
        match msg {
            Message::Request(req) => {
                let id = req.id.clone();
                let resp = if self.shutdown {
                    Message::from(Response::new_err(
                        id,
                        ErrorCode::InvalidRequest as i32,
                        "the server is shutting down".into(),
                    ))
                    .into()
                } else {
                    let outcome = catch_unwind(AssertUnwindSafe(|| self.request(req)));
                    respond(&id, outcome)
                };
                self.send_out(resp);
                None
            }
            Message::Notification(n) if n.method == "exit" => Some(if self.shutdown {
                Ended::Clean
            } else {
                Ended::Abrupt
            }),
            Message::Notification(n) => {
                let method = n.method.clone();
                if catch_unwind(AssertUnwindSafe(|| self.notification(n))).is_err() {
                    eprintln!("scn lsp: internal error while handling {method}");
                }
                None
            }
            Message::Response(_) => None,
        }
    }

    /// Answers a request: its result as JSON text.
    fn request(&mut self, req: Request) -> Result<String, Failure> {
        match req.method.as_str() {
            "shutdown" => {
                self.shutdown = true;
                Ok("null".into())
            }
            "initialize" => Err((
                ErrorCode::InvalidRequest as i32,
                "the server is initialized already".into(),
            )),
            "textDocument/hover" => json(
                params::<HoverParams>(req)
                    .and_then(|p| self.hover(&p.text_document_position_params)),
            ),
            "textDocument/definition" => json(
                params::<GotoDefinitionParams>(req)
                    .and_then(|p| self.definition(&p.text_document_position_params)),
            ),
            "textDocument/documentSymbol" => {
                json(params::<DocumentSymbolParams>(req).and_then(|p| {
                    let env = self.env.clone();
                    let doc = self.doc(&p.text_document.uri)?;
                    let a = doc.analysis(&env);
                    Ok(DocumentSymbolResponse::Nested(symbols::outline(&a)))
                }))
            }
            "textDocument/formatting" => json(
                params::<DocumentFormattingParams>(req)
                    .and_then(|p| self.format(&p.text_document.uri)),
            ),
            "textDocument/completion" => {
                json(params::<lsp_types::CompletionParams>(req).and_then(|p| {
                    let pos = p.text_document_position;
                    let env = self.env.clone();
                    let doc = self.doc(&pos.text_document.uri)?;
                    let offset = doc.lines.offset(&doc.text, pos.position);
                    let a = doc.analysis(&env);
                    let names = if a.index.is_some() {
                        Some(a)
                    } else {
                        doc.last_parsed()
                    };
                    Ok(completion::at(&doc.text, offset, names.as_deref()))
                }))
            }
            "textDocument/semanticTokens/full" => {
                json(params::<SemanticTokensParams>(req).and_then(|p| {
                    let env = self.env.clone();
                    let doc = self.doc(&p.text_document.uri)?;
                    let a = doc.analysis(&env);
                    Ok(SemanticTokensResult::Tokens(tokens::semantic_tokens(
                        &a.text,
                        a.index.as_ref(),
                    )))
                }))
            }
            other => Err((
                ErrorCode::MethodNotFound as i32,
                format!("scn lsp does not handle {other}"),
            )),
        }
    }

    fn doc(&mut self, uri: &Uri) -> Result<&mut Document, Failure> {
        self.docs.get_mut(uri).ok_or_else(|| {
            (
                ErrorCode::InvalidParams as i32,
                format!("{} is not open", uri.as_str()),
            )
        })
    }

    fn hover(&mut self, p: &TextDocumentPositionParams) -> Result<Option<Hover>, Failure> {
        let env = self.env.clone();
        let doc = self.doc(&p.text_document.uri)?;
        let offset = doc.lines.offset(&doc.text, p.position);
        let a = doc.analysis(&env);
        Ok(hover::at(&a, offset).map(|(md, span)| Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: md,
            }),
            range: Some(a.lines.range(&a.text, span)),
        }))
    }

    fn definition(
        &mut self,
        p: &TextDocumentPositionParams,
    ) -> Result<Option<GotoDefinitionResponse>, Failure> {
        let env = self.env.clone();
        let uri = p.text_document.uri.clone();
        let doc = self.doc(&uri)?;
        let offset = doc.lines.offset(&doc.text, p.position);
        let a = doc.analysis(&env);
        let found = definition::at(&a, &uri, offset);
        Ok((!found.is_empty()).then_some(GotoDefinitionResponse::Array(found)))
    }

    /// `scn fmt` on the text: one edit replacing it, none when it is formatted already.
    fn format(&mut self, uri: &Uri) -> Result<Option<Vec<TextEdit>>, Failure> {
        let doc = self.doc(uri)?;
        if doc.out_of_sync {
            return Err((REQUEST_FAILED, format!("cannot format: {OUT_OF_SYNC}")));
        }
        let file = scn_dsl::parse(&doc.text, scn_dsl::FileId(0)).map_err(|d| {
            let at = d
                .first()
                .map(|d| doc.lines.position(&doc.text, d.span.start as usize))
                .unwrap_or_default();
            (
                REQUEST_FAILED,
                format!(
                    "cannot format: the file does not parse ({}:{})",
                    at.line + 1,
                    at.character + 1
                ),
            )
        })?;
        let formatted = scn_dsl::format(&file, &doc.text);
        if formatted == doc.text {
            return Ok(Some(Vec::new()));
        }
        Ok(Some(vec![TextEdit::new(
            doc.lines.full_range(&doc.text),
            formatted,
        )]))
    }

    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            "textDocument/didOpen" => {
                if let Ok(p) = n.extract::<DidOpenTextDocumentParams>("textDocument/didOpen") {
                    let d = p.text_document;
                    let doc = Document::new(d.uri.clone(), d.version, d.text);
                    let path = doc.path.clone();
                    self.docs.insert(d.uri, doc);
                    self.text_changed(path.as_deref());
                }
            }
            "textDocument/didChange" => self.did_change(n.params),
            LOST_CHANGE => self.docs.values_mut().for_each(Document::lose_sync),
            "textDocument/didClose" => {
                if let Ok(p) = n.extract::<DidCloseTextDocumentParams>("textDocument/didClose") {
                    let path = self.docs.remove(&p.text_document.uri).and_then(|d| d.path);
                    // Its importers read the file on disk again, unsaved edits gone.
                    self.text_changed(path.as_deref());
                    self.send(Notification::new(
                        "textDocument/publishDiagnostics".into(),
                        PublishDiagnosticsParams::new(p.text_document.uri, Vec::new(), None),
                    ));
                }
            }
            // A file saved or changed on disk may be imported by any open document.
            "textDocument/didSave" | "workspace/didChangeWatchedFiles" => {
                for doc in self.docs.values_mut() {
                    doc.invalidate();
                }
            }
            _ => {}
        }
    }

    /// Applies an editor's change. A change that cannot be read, or that does not come after
    /// the last one, leaves the server's copy of the text unlike the editor's: the document
    /// is then marked out of sync rather than edited on a guess (see `format`).
    fn did_change(&mut self, params: Value) {
        let uri = params
            .pointer("/textDocument/uri")
            .and_then(Value::as_str)
            .and_then(|u| u.parse::<Uri>().ok());
        let change = match serde_json::from_value::<DidChangeTextDocumentParams>(params) {
            Ok(change) => change,
            Err(e) => {
                eprintln!(
                    "scn lsp: could not read a change ({e}); formatting is off until the document is reopened"
                );
                match uri {
                    Some(uri) => self
                        .docs
                        .get_mut(&uri)
                        .into_iter()
                        .for_each(Document::lose_sync),
                    // Which document it was for is unknown: any may have missed it.
                    None => self.docs.values_mut().for_each(Document::lose_sync),
                }
                return;
            }
        };
        let Some(doc) = self.docs.get_mut(&change.text_document.uri) else {
            return;
        };
        if change.text_document.version <= doc.version {
            doc.lose_sync();
        }
        doc.version = change.text_document.version;
        for edit in change.content_changes {
            let range = edit.range.map(|r| doc.lines.span(&doc.text, r));
            doc.edit(range, &edit.text);
        }
        let path = doc.path.clone();
        self.text_changed(path.as_deref());
    }

    /// After the editor's text of the file at `path` changed (opened, edited, closed): the
    /// open texts that imports read are taken again, and every document that read that file
    /// is analysed again.
    fn text_changed(&mut self, path: Option<&Path>) {
        let Some(canonical) = path.and_then(|p| std::fs::canonicalize(p).ok()) else {
            return;
        };
        let text = self
            .docs
            .values()
            .find(|d| d.path.as_deref() == path)
            .map(|d| d.text.as_str());
        self.env.open.set(canonical.clone(), text);
        for doc in self.docs.values_mut() {
            if doc.read(&canonical) {
                doc.invalidate();
            }
        }
    }

    /// Analyses every document whose text changed and publishes its diagnostics.
    fn publish_changed(&mut self) {
        let env = self.env.clone();
        let mut out = Vec::new();
        for doc in self.docs.values_mut().filter(|d| !d.published) {
            doc.published = true;
            let uri = doc.uri.clone();
            let version = doc.version;
            let diags = catch_unwind(AssertUnwindSafe(|| {
                if doc.out_of_sync {
                    return vec![out_of_sync_warning()];
                }
                diagnostics::of(&doc.analysis(&env), &uri)
            }))
            .unwrap_or_else(|_| {
                vec![lsp_types::Diagnostic {
                    message: "internal error: scn lsp failed to analyse this file (a bug in \
                              scn; please report it)"
                        .into(),
                    source: Some("scn".into()),
                    ..lsp_types::Diagnostic::default()
                }]
            });
            out.push(PublishDiagnosticsParams::new(uri, diags, Some(version)));
        }
        for p in out {
            self.send(Notification::new(
                "textDocument/publishDiagnostics".into(),
                p,
            ));
        }
    }
}

/// Why a document is not formatted, and what brings it back.
const OUT_OF_SYNC: &str = "scn lsp missed a change to this document (one it could not read, or \
                           out of order), so its copy may differ from the editor's; close and \
                           reopen the file";

/// The one diagnostic of a document out of sync: the others would point at the wrong text.
fn out_of_sync_warning() -> lsp_types::Diagnostic {
    lsp_types::Diagnostic {
        severity: Some(lsp_types::DiagnosticSeverity::WARNING),
        message: OUT_OF_SYNC.into(),
        source: Some("scn".into()),
        ..lsp_types::Diagnostic::default()
    }
}

/// A result as JSON text, written from its types (see `link`).
fn json<T: serde::Serialize>(v: Result<T, Failure>) -> Result<String, Failure> {
    v.and_then(|x| {
        serde_json::to_string(&x).map_err(|e| (ErrorCode::InternalError as i32, e.to_string()))
    })
}

fn params<P: serde::de::DeserializeOwned>(req: Request) -> Result<P, Failure> {
    serde_json::from_value(req.params).map_err(|e| {
        (
            ErrorCode::InvalidParams as i32,
            format!("invalid parameters for {}: {e}", req.method),
        )
    })
}

fn respond(id: &RequestId, outcome: std::thread::Result<Result<String, Failure>>) -> Outgoing {
    let id = id.clone();
    let err = |code, message| Message::from(Response::new_err(id.clone(), code, message)).into();
    match outcome {
        Ok(Ok(result)) => Outgoing::result(&id, &result),
        Ok(Err((code, message))) => err(code, message),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            err(
                ErrorCode::InternalError as i32,
                format!("internal error in scn lsp (a bug in scn; please report it): {what}"),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use lsp_server::{Connection, Message, Notification, Request, Response};

    use super::super::link::Link;
    use serde_json::json;

    use super::*;

    #[test]
    fn a_panicking_handler_is_answered_with_an_error() {
        let outcome = catch_unwind(|| -> Result<String, Failure> { panic!("boom") });
        let Outgoing::Message(Message::Response(r)) = respond(&RequestId::from(7), outcome) else {
            panic!("not an error response");
        };
        let e = r.response_result.unwrap_err();
        assert_eq!(e.code, ErrorCode::InternalError as i32);
        assert!(e.message.ends_with("boom"), "{}", e.message);
    }

    #[test]
    fn bad_requests_are_answered_and_the_server_goes_on() {
        let c = Client::start();
        let ask = |id, method, params| c.ask(id, method, params);
        let note = |method, params| c.note(method, params);
        let init = ask(1, "initialize", json!({"capabilities": {}}));
        assert!(init.response_result.is_ok());
        note("initialized", json!({}));
        let r = ask(2, "textDocument/hover", json!({"nonsense": true}));
        assert_eq!(
            r.response_result.unwrap_err().code,
            ErrorCode::InvalidParams as i32
        );
        let r = ask(3, "workspace/symbol", json!({"query": ""}));
        assert_eq!(
            r.response_result.unwrap_err().code,
            ErrorCode::MethodNotFound as i32
        );
        let pos = json!({"textDocument": {"uri": "file:///not/open.scn"}, "position": {"line": 0, "character": 0}});
        let r = ask(4, "textDocument/hover", pos.clone());
        assert_eq!(
            r.response_result.unwrap_err().code,
            ErrorCode::InvalidParams as i32
        );
        // A change to a document never opened, a malformed notification: ignored.
        note("textDocument/didChange", json!({"garbage": 1}));
        note(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": "file:///not/open.scn", "languageId": "scn", "version": 1, "text": "scenario s { branch a p = 1 }"}}),
        );
        let r = ask(5, "textDocument/hover", pos);
        assert!(r.response_result.is_ok(), "{r:?}");
        let r = ask(6, "shutdown", Value::Null);
        assert!(r.response_result.is_ok());
        let r = ask(7, "textDocument/hover", json!({}));
        assert_eq!(
            r.response_result.unwrap_err().code,
            ErrorCode::InvalidRequest as i32
        );
        note("exit", Value::Null);
        assert_eq!(c.session.join().unwrap(), Ended::Clean);
    }

    /// A client of an in-memory session.
    struct Client {
        conn: Connection,
        session: std::thread::JoinHandle<Ended>,
    }

    impl Client {
        fn start() -> Client {
            let (server, conn) = Link::memory();
            let session = std::thread::spawn(move || serve(&server, Env::default()));
            Client { conn, session }
        }

        fn note(&self, method: &str, params: Value) {
            let n = Notification::new(method.into(), params);
            self.conn.sender.send(n.into()).unwrap();
        }

        /// The server's next message, within 30 s.
        fn next(&self) -> Message {
            self.conn
                .receiver
                .recv_timeout(Duration::from_secs(30))
                .unwrap()
        }

        /// The next diagnostics published.
        fn published(&self) -> Value {
            loop {
                if let Message::Notification(n) = self.next()
                    && n.method == "textDocument/publishDiagnostics"
                {
                    return n.params;
                }
            }
        }

        fn ask(&self, id: i32, method: &str, params: Value) -> Response {
            let req = Request::new(id.into(), method.into(), params);
            self.conn.sender.send(req.into()).unwrap();
            loop {
                if let Message::Response(r) = self.next()
                    && r.id == id.into()
                {
                    return r;
                }
            }
        }
    }

    #[test]
    fn the_handshake_follows_the_protocol() {
        let c = Client::start();
        let r = c.ask(1, "textDocument/hover", json!({}));
        assert_eq!(
            r.response_result.unwrap_err().code,
            ErrorCode::ServerNotInitialized as i32
        );
        c.note("textDocument/didOpen", json!({}));
        assert!(
            c.ask(2, "initialize", json!({"capabilities": {}}))
                .response_result
                .is_ok()
        );
        // No `initialized` yet: the server answers anyway.
        let r = c.ask(3, "initialize", json!({"capabilities": {}}));
        assert_eq!(
            r.response_result.unwrap_err().code,
            ErrorCode::InvalidRequest as i32
        );
        c.note("exit", Value::Null);
        assert_eq!(c.session.join().unwrap(), Ended::Abrupt);

        let c = Client::start();
        c.note("exit", Value::Null);
        assert_eq!(c.session.join().unwrap(), Ended::Abrupt);
    }

    #[test]
    fn a_document_out_of_sync_is_not_formatted() {
        let c = Client::start();
        assert!(
            c.ask(1, "initialize", json!({"capabilities": {}}))
                .response_result
                .is_ok()
        );
        c.note("initialized", json!({}));
        let uri = "untitled:messy.scn";
        let doc = json!({"uri": uri});
        let format = |id| {
            c.ask(
                id,
                "textDocument/formatting",
                json!({"textDocument": doc, "options": {"tabSize": 2, "insertSpaces": true}}),
            )
        };
        let change = |version: i32, changes: Value| {
            c.note(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
            );
        };
        c.note(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "scn", "version": 1, "text": "scenario s {   branch a p = 1 }"}}),
        );
        assert_eq!(c.published()["diagnostics"], json!([]));
        let edits = format(2).response_result.unwrap();
        assert_eq!(edits.as_array().map(Vec::len), Some(1), "{edits}");

        // A change the server cannot read (a range that is not one): the copy is stale.
        change(2, json!([{"range": "somewhere", "text": "x"}]));
        let warned = c.published();
        assert_eq!(warned["diagnostics"].as_array().map(Vec::len), Some(1));
        assert!(
            warned["diagnostics"][0]["message"]
                .as_str()
                .unwrap()
                .contains("reopen")
        );
        let e = format(3).response_result.unwrap_err();
        assert_eq!(e.code, REQUEST_FAILED);
        assert!(e.message.contains("missed a change"), "{}", e.message);

        // The whole text again: in sync.
        change(3, json!([{"text": "scenario s {   branch a p = 1 }"}]));
        assert_eq!(c.published()["diagnostics"], json!([]));
        assert!(format(4).response_result.is_ok());

        // A version no later than the last: maybe applied twice.
        let at_end =
            json!({"start": {"line": 0, "character": 31}, "end": {"line": 0, "character": 31}});
        change(3, json!([{"range": at_end, "text": " "}]));
        assert_eq!(
            c.published()["diagnostics"].as_array().map(Vec::len),
            Some(1)
        );
        assert_eq!(format(5).response_result.unwrap_err().code, REQUEST_FAILED);

        // A change whose document cannot be told: every open document is out of sync.
        change(4, json!([{"text": "scenario s { branch a p = 1 }"}]));
        assert_eq!(c.published()["diagnostics"], json!([]));
        c.note("textDocument/didChange", json!({"garbage": 1}));
        assert_eq!(
            c.published()["diagnostics"].as_array().map(Vec::len),
            Some(1)
        );
        assert_eq!(format(6).response_result.unwrap_err().code, REQUEST_FAILED);

        // Reopening ends it.
        c.note(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "scn", "version": 9, "text": "scenario s { branch a p = 1 }"}}),
        );
        assert_eq!(c.published()["diagnostics"], json!([]));
        let edits = format(7).response_result.unwrap();
        assert_eq!(edits[0]["newText"], "scenario s {\n  branch a p = 1\n}\n");
        assert!(c.ask(8, "shutdown", Value::Null).response_result.is_ok());
        c.note("exit", Value::Null);
        assert_eq!(c.session.join().unwrap(), Ended::Clean);
    }
}
