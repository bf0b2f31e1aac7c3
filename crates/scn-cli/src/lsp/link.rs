//! The server's side of the connection: the client's messages in, the server's out.
//!
//! lsp-server's `Connection` sends only its `Message`, whose response holds the result as a
//! `serde_json::Value`. A `Value` takes tens of bytes per number and hundreds per object: the
//! outline or the semantic tokens of a 12 MB document took 0.7-0.9 GB that way. So a
//! result is serialised straight from its types into the text that is sent.

use crossbeam_channel::{Receiver, Sender};
use lsp_server::{Message, RequestId};

/// What the server sends.
pub(crate) enum Outgoing {
    Message(Message),
    /// A whole message already serialised: a response with its result, or the refusal of a
    /// request lsp-server could not read.
    Serialised(String),
}

impl From<Message> for Outgoing {
    fn from(m: Message) -> Outgoing {
        Outgoing::Message(m)
    }
}

impl Outgoing {
    /// The response to request `id` whose result is the JSON text `result`.
    pub(crate) fn result(id: &RequestId, result: &str) -> Outgoing {
        let id = serde_json::to_string(id).unwrap_or_else(|_| "null".into());
        Outgoing::Serialised(format!(
            r#"{{"jsonrpc":"2.0","id":{id},"result":{result}}}"#
        ))
    }
}

/// The server's two channels.
pub(crate) struct Link {
    pub sender: Sender<Outgoing>,
    pub receiver: Receiver<Message>,
}

#[cfg(test)]
impl Link {
    /// A link in memory, and the client's end of it as lsp-server's connection (what the
    /// server sends arrives there parsed back into messages).
    pub(crate) fn memory() -> (Link, lsp_server::Connection) {
        let (to_server, from_client) = crossbeam_channel::unbounded();
        let (to_client, from_server) = crossbeam_channel::unbounded::<Outgoing>();
        let (parsed, client_receiver) = crossbeam_channel::unbounded();
        std::thread::spawn(move || {
            for out in from_server {
                let msg = match out {
                    Outgoing::Message(m) => m,
                    Outgoing::Serialised(text) => {
                        serde_json::from_str(&text).expect("the server sends JSON-RPC")
                    }
                };
                if parsed.send(msg).is_err() {
                    break;
                }
            }
        });
        (
            Link {
                sender: to_client,
                receiver: from_client,
            },
            lsp_server::Connection {
                sender: to_server,
                receiver: client_receiver,
            },
        )
    }
}
