//! Reading the client's messages: `Content-Length` framing with limits.
//!
//! lsp-server's `Message::read` sizes its buffer from the header before a byte of the body
//! arrives, and reads a header line of any length: one line `Content-Length:
//! 18446744073709551615` panicked the reader, 9223372036854775807 aborted the process on
//! the allocation, and 4000000000 took gigabytes while nothing came. Here a header line is
//! at most [`MAX_HEADER_LINE`] bytes, a body at most [`MAX_BODY`], and the body's buffer grows
//! only with the bytes that arrive.

use std::io::{self, BufRead, Read};

use lsp_server::Message;
use serde_json::Value;

/// What a framed body held.
#[derive(Debug)]
pub(crate) enum Incoming {
    /// A message lsp-server can carry.
    Message(Message),
    /// A request it cannot: an id that is not a string or a 32-bit integer (the protocol's
    /// `integer | string`), or a method that is not a string. It must still be answered, or
    /// the client waits for ever: this is the error to send back.
    Refused(Value),
    /// A message skipped (too large, not JSON, not JSON-RPC): why, and whether it may have
    /// been a change to a document, which the server then no longer knows the text of.
    Lost { why: String, change: bool },
}

/// Whether a body that could not be read may be a `didChange`.
fn mentions_a_change(body: &[u8]) -> bool {
    body.windows(b"didChange".len()).any(|w| w == b"didChange")
}

/// The longest header line read.
const MAX_HEADER_LINE: u64 = 8 * 1024;

/// The largest message: a document as large as the largest file scn reads (1 GiB), with
/// room for its JSON escapes.
pub(crate) const MAX_BODY: u64 = 2 << 30;

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

/// The next message; `None` at the end of the input. An `InvalidData` error leaves the
/// input at the start of the next message where it can (after a body that was too large or
/// not JSON-RPC), so the caller may go on reading.
pub(crate) fn read(input: &mut impl BufRead) -> io::Result<Option<Incoming>> {
    let mut size = None;
    loop {
        let mut line = Vec::new();
        input
            .by_ref()
            .take(MAX_HEADER_LINE)
            .read_until(b'\n', &mut line)?;
        if line.is_empty() {
            return Ok(None);
        }
        let Some(text) = line.strip_suffix(b"\r\n") else {
            if line.len() as u64 >= MAX_HEADER_LINE {
                return Err(invalid(format!(
                    "a header line longer than {MAX_HEADER_LINE} bytes"
                )));
            }
            return Err(invalid("a header line that does not end with CRLF".into()));
        };
        if text.is_empty() {
            break;
        }
        let text = String::from_utf8_lossy(text);
        let (name, value) = text
            .split_once(':')
            .ok_or_else(|| invalid(format!("malformed header {text:?}")))?;
        if name.trim().eq_ignore_ascii_case("Content-Length") {
            let n: u64 = value
                .trim()
                .parse()
                .map_err(|e| invalid(format!("Content-Length {value:?}: {e}")))?;
            size = Some(n);
        }
    }
    let size = size.ok_or_else(|| invalid("no Content-Length".into()))?;
    if size > MAX_BODY {
        // Skipped, not stored, so that the next message can still be read.
        io::copy(&mut input.by_ref().take(size), &mut io::sink())?;
        return Ok(Some(Incoming::Lost {
            why: format!("a message of {size} bytes, over the limit of {MAX_BODY}"),
            change: true,
        }));
    }
    let mut body = Vec::new();
    input.by_ref().take(size).read_to_end(&mut body)?;
    if (body.len() as u64) < size {
        // The input ended inside the message.
        return Ok(None);
    }
    let value: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return Ok(Some(Incoming::Lost {
                why: format!("a message that is not JSON: {e}"),
                change: mentions_a_change(&body),
            }));
        }
    };
    // A request is a message with an id and a method. lsp-server's message is an untagged
    // enum, so a request whose id it cannot hold would come out as a notification, unanswered.
    let request_id = value.get("method").and_then(|_| value.get("id")).cloned();
    match (serde_json::from_value::<Message>(value), request_id) {
        (Ok(m @ Message::Request(_)), _) => Ok(Some(Incoming::Message(m))),
        (Ok(_), Some(id)) => Ok(Some(Incoming::Refused(refusal(
            id,
            "its id is not a string or a 32-bit integer",
        )))),
        (Err(e), Some(id)) => Ok(Some(Incoming::Refused(refusal(id, &e.to_string())))),
        (Ok(m), None) => Ok(Some(Incoming::Message(m))),
        (Err(e), None) => Ok(Some(Incoming::Lost {
            why: format!("a message that is not JSON-RPC: {e}"),
            change: mentions_a_change(&body),
        })),
    }
}

/// JSON-RPC's answer to an invalid request: its id when that is a number or a string (so the
/// client can match it), else null.
fn refusal(id: Value, why: &str) -> Value {
    let id = match id {
        Value::Number(_) | Value::String(_) => id,
        _ => Value::Null,
    };
    serde_json::json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": {
            "code": lsp_server::ErrorCode::InvalidRequest as i32,
            "message": format!("scn lsp cannot read this request: {why}"),
        },
    })
}

/// Writes a serialised message with its header, framed as lsp-server frames its own.
pub(crate) fn write_body(out: &mut impl io::Write, body: &str) -> io::Result<()> {
    write!(out, "Content-Length: {}\r\n\r\n{body}", body.len())?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn framed(body: &str) -> Vec<u8> {
        format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
    }

    #[test]
    fn reads_messages_in_turn() {
        let mut input = framed(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#);
        input.extend(framed(r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#));
        let mut r = io::Cursor::new(input);
        assert!(matches!(
            read(&mut r),
            Ok(Some(Incoming::Message(Message::Notification(_))))
        ));
        assert!(matches!(
            read(&mut r),
            Ok(Some(Incoming::Message(Message::Request(_))))
        ));
        assert!(matches!(read(&mut r), Ok(None)));
    }

    #[test]
    fn huge_lengths_cost_nothing_and_do_not_panic() {
        for size in ["18446744073709551615", "9223372036854775807", "4000000000"] {
            let input = format!("Content-Length: {size}\r\n\r\n{{}}");
            let mut r = io::Cursor::new(input.into_bytes());
            // Over the limit: skipped to the end of the input; under it: the input ends
            // inside the body. Either way no buffer of that size is made.
            match read(&mut r) {
                Ok(Some(Incoming::Lost { why, change })) => {
                    assert!(why.contains("over the limit") && change, "{why}");
                }
                Ok(m) => assert!(m.is_none(), "{size}"),
                Err(e) => panic!("{size}: {e}"),
            }
        }
        let mut r = io::Cursor::new(b"Content-Length: -1\r\n\r\n{}".to_vec());
        assert!(read(&mut r).is_err());
    }

    #[test]
    fn a_header_line_is_bounded() {
        let mut input = vec![b'X'; 1 << 20];
        input.extend(framed(r#"{"jsonrpc":"2.0","method":"exit"}"#));
        let mut r = io::Cursor::new(input);
        let e = read(&mut r).expect_err("too long");
        assert!(e.to_string().contains("longer than 8192 bytes"), "{e}");
    }

    #[test]
    fn a_bad_body_is_skipped_and_the_next_message_read() {
        let mut input = framed("not json");
        // A lone surrogate, as a JavaScript editor may write one: not JSON serde reads.
        input.extend(framed(
            r#"{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"x":"\ud800"}}"#,
        ));
        input.extend(framed(r#"{"jsonrpc":"2.0","method":"exit"}"#));
        let mut r = io::Cursor::new(input);
        assert!(matches!(
            read(&mut r),
            Ok(Some(Incoming::Lost { change: false, .. }))
        ));
        assert!(matches!(
            read(&mut r),
            Ok(Some(Incoming::Lost { change: true, .. }))
        ));
        assert!(matches!(
            read(&mut r),
            Ok(Some(Incoming::Message(Message::Notification(_))))
        ));
    }

    #[test]
    fn a_request_with_an_id_it_cannot_hold_is_refused_by_its_id() {
        for (id, answer) in [
            ("3000000000", serde_json::json!(3000000000u64)),
            ("1.5", serde_json::json!(1.5)),
            ("\"x\"", serde_json::json!("x")),
            ("null", Value::Null),
            ("{\"a\": 1}", Value::Null),
            ("[1]", Value::Null),
        ] {
            // "x" is a fine id: the method, a number, is what is wrong there.
            let method = if id == "\"x\"" { "7" } else { "\"shutdown\"" };
            let body = format!(r#"{{"jsonrpc":"2.0","id":{id},"method":{method}}}"#);
            let mut r = io::Cursor::new(framed(&body));
            let Ok(Some(Incoming::Refused(e))) = read(&mut r) else {
                panic!("{body} was not refused");
            };
            assert_eq!(e["id"], answer, "{body}");
            assert_eq!(e["error"]["code"], -32600);
            let mut out = Vec::new();
            write_body(&mut out, &e.to_string()).unwrap();
            let out = String::from_utf8(out).unwrap();
            let (head, body) = out.split_once("\r\n\r\n").unwrap();
            assert_eq!(head, format!("Content-Length: {}", body.len()));
            assert_eq!(serde_json::from_str::<Value>(body).unwrap(), e);
        }
    }
}
