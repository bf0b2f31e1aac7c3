//! serde_json's pretty layout, starting at any depth.
//!
//! The report's top-level object is written by hand so that its paths can be formatted on
//! two threads; each value inside it is serialized with [`Pretty::at`] its depth and comes
//! out as `serde_json::to_writer_pretty` would have written it there.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::Formatter;

/// The layout of `serde_json::ser::PrettyFormatter` (two spaces a level), which keeps its
/// depth private: the same eight steps, from a depth given.
pub(super) struct Pretty {
    depth: usize,
    has_value: bool,
}

impl Pretty {
    /// For a value written `depth` levels in.
    pub(super) fn at(depth: usize) -> Pretty {
        Pretty {
            depth,
            has_value: false,
        }
    }
}

/// Writes `value` at `depth`, keeping the kind of an I/O error (a closed pipe is not a
/// failure of scn).
pub(super) fn write<W: Write, T: Serialize + ?Sized>(
    w: &mut W,
    depth: usize,
    value: &T,
) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(w, Pretty::at(depth));
    value
        .serialize(&mut ser)
        .map_err(|e| match e.io_error_kind() {
            Some(kind) => io::Error::new(kind, e),
            None => io::Error::other(e),
        })
}

/// A line break, then `depth` levels of indentation.
pub(super) fn new_line<W: Write + ?Sized>(w: &mut W, depth: usize) -> io::Result<()> {
    w.write_all(b"\n")?;
    for _ in 0..depth {
        w.write_all(b"  ")?;
    }
    Ok(())
}

impl Pretty {
    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            new_line(w, self.depth)?;
        }
        w.write_all(bracket)
    }

    /// Before an element or a key.
    fn next<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        new_line(w, self.depth)
    }
}

impl Formatter for Pretty {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.next(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.next(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_value_at_depth_zero_is_what_serde_json_writes() {
        let value = json!({
            "a": [],
            "b": {},
            "c": [1, {"d": [2.5, null, "x\"y"], "e": {}}, []],
            "f": {"g": {"h": [[]]}},
        });
        let mut ours = Vec::new();
        write(&mut ours, 0, &value).expect("written");
        let theirs = serde_json::to_vec_pretty(&value).expect("written");
        assert_eq!(String::from_utf8(ours), String::from_utf8(theirs));
    }

    #[test]
    fn a_value_deeper_in_is_indented_as_inside_its_parent() {
        let inner = json!({"k": [1, {"m": []}], "n": "v"});
        let whole = json!({ "outer": [inner.clone()] });
        let mut ours = Vec::new();
        write(&mut ours, 2, &inner).expect("written");
        let theirs =
            String::from_utf8(serde_json::to_vec_pretty(&whole).expect("written")).expect("UTF-8");
        let ours = String::from_utf8(ours).expect("UTF-8");
        assert!(
            theirs.contains(&format!("\n    {ours}\n")),
            "{ours}\nnot in\n{theirs}"
        );
    }
}
