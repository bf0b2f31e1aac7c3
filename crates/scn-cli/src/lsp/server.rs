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

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
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
pub(crate) fn serve(conn: &Connection, mut env: Env) -> Result<Ended, String> {
    let (id, params) = conn.initialize_start().map_err(|e| e.to_string())?;
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    env.root = workspace_root(&params);
    let init = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": { "name": "scn", "version": env!("CARGO_PKG_VERSION") },
    });
    conn.initialize_finish(id, init)
        .map_err(|e| e.to_string())?;
    let mut server = Server {
        conn,
        env,
        docs: HashMap::new(),
        shutdown: false,
    };
    while let Ok(msg) = conn.receiver.recv() {
        if let Some(end) = server.handle(msg) {
            return Ok(end);
        }
        while let Ok(msg) = conn.receiver.try_recv() {
            if let Some(end) = server.handle(msg) {
                return Ok(end);
            }
        }
        server.publish_changed();
    }
    Ok(Ended::Abrupt)
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
    conn: &'c Connection,
    env: Env,
    docs: HashMap<Uri, Document>,
    shutdown: bool,
}

impl Server<'_> {
    fn send(&self, msg: impl Into<Message>) {
        // A client gone away is noticed when its channel closes.
        let _ = self.conn.sender.send(msg.into());
    }

    /// Handles one message; `Some` when the session is over.
    fn handle(&mut self, msg: Message) -> Option<Ended> {
        match msg {
            Message::Request(req) => {
                let id = req.id.clone();
                let resp = if self.shutdown {
                    Response::new_err(
                        id,
                        ErrorCode::InvalidRequest as i32,
                        "the server is shutting down".into(),
                    )
                } else {
                    let outcome = catch_unwind(AssertUnwindSafe(|| self.request(req)));
                    respond(id, outcome)
                };
                self.send(resp);
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

    fn request(&mut self, req: Request) -> Result<Value, Failure> {
        match req.method.as_str() {
            "shutdown" => {
                self.shutdown = true;
                Ok(Value::Null)
            }
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
            "textDocument/didChange" => {
                if let Ok(p) = n.extract::<DidChangeTextDocumentParams>("textDocument/didChange")
                    && let Some(doc) = self.docs.get_mut(&p.text_document.uri)
                {
                    doc.version = p.text_document.version;
                    for change in p.content_changes {
                        let range = change.range.map(|r| doc.lines.span(&doc.text, r));
                        doc.edit(range, &change.text);
                    }
                    let path = doc.path.clone();
                    self.text_changed(path.as_deref());
                }
            }
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

fn json<T: serde::Serialize>(v: Result<T, Failure>) -> Result<Value, Failure> {
    v.and_then(|x| {
        serde_json::to_value(x).map_err(|e| (ErrorCode::InternalError as i32, e.to_string()))
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

fn respond(id: RequestId, outcome: std::thread::Result<Result<Value, Failure>>) -> Response {
    match outcome {
        Ok(Ok(v)) => Response::new_ok(id, v),
        Ok(Err((code, message))) => Response::new_err(id, code, message),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Response::new_err(
                id,
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
    use serde_json::json;

    use super::*;

    #[test]
    fn a_panicking_handler_is_answered_with_an_error() {
        let outcome = catch_unwind(|| -> Result<Value, Failure> { panic!("boom") });
        let r = respond(RequestId::from(7), outcome);
        let e = r.response_result.unwrap_err();
        assert_eq!(e.code, ErrorCode::InternalError as i32);
        assert!(e.message.ends_with("boom"), "{}", e.message);
    }

    #[test]
    fn bad_requests_are_answered_and_the_server_goes_on() {
        let (server, client) = Connection::memory();
        let session = std::thread::spawn(move || serve(&server, Env::default()));
        let ask = |id: i32, method: &str, params: Value| -> Response {
            let req = Request::new(id.into(), method.into(), params);
            client.sender.send(req.into()).unwrap();
            loop {
                match client
                    .receiver
                    .recv_timeout(Duration::from_secs(30))
                    .unwrap()
                {
                    Message::Response(r) if r.id == id.into() => return r,
                    _ => {}
                }
            }
        };
        let init = ask(1, "initialize", json!({"capabilities": {}}));
        assert!(init.response_result.is_ok());
        let note = |method: &str, params: Value| {
            let n = Notification::new(method.into(), params);
            client.sender.send(n.into()).unwrap();
        };
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
        assert_eq!(session.join().unwrap(), Ok(Ended::Clean));
    }
}
