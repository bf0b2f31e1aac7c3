//! `scn fmt [--check] FILE...`: the canonical layout, written atomically.

use crate::args::FmtArgs;
use crate::input::{is_stdin, read_source};
use crate::output::{is_read_only, line_ends_of, write_file};
use crate::{Exit, Io};

pub(crate) fn run(args: &FmtArgs, io: &mut Io<'_>) -> Exit {
    let mut exit = Exit::Ok;
    for path in &args.files {
        let (map, id) = match read_source(path, io.stdin) {
            Ok(x) => x,
            Err(e) => {
                exit = exit.combine(super::report_read_error(e, io));
                continue;
            }
        };
        let src = &map.get(id).text;
        let file = match scn_dsl::parse(src, id) {
            Ok(f) => f,
            Err(diags) => {
                exit = exit.combine(super::report(&diags, &map, io));
                continue;
            }
        };
        let formatted = keep_conventions(src, scn_dsl::format(&file, src));
        let name = scn_dsl::sanitize(&map.get(id).name);
        if args.check {
            if formatted != *src && is_stdin(path) {
                let _ = writeln!(io.stderr, "{name}: not formatted");
                exit = exit.combine(Exit::Invalid);
            } else if formatted != *src && !path.is_file() {
                // A pipe or a device cannot be formatted in place.
                let _ = writeln!(
                    io.stderr,
                    "{name}: not formatted (run `scn fmt - < {name}`)"
                );
                exit = exit.combine(Exit::Invalid);
            } else if formatted != *src {
                let _ = writeln!(io.stderr, "{name}: not formatted (run `scn fmt {name}`)");
                exit = exit.combine(Exit::Invalid);
            }
        } else if is_stdin(path) {
            // A write error is reported once, at the end of the run.
            let _ = io.stdout.write_all(formatted.as_bytes());
        } else if !path.is_file() {
            // A pipe or a device has no place to put the layout back: writing to it would
            // send the text to whoever reads next, or block until someone does. Refused
            // whether or not the text needs a new layout, so the answer does not depend on
            // what happened to come through.
            let _ = writeln!(
                io.stderr,
                "scn: error: cannot write {name}: it is not a regular file (use `scn fmt - < {name}`)"
            );
            exit = exit.combine(Exit::Usage);
        } else if formatted != *src {
            if is_read_only(path) {
                let _ = writeln!(
                    io.stderr,
                    "scn: error: cannot write {name}: the file is read-only"
                );
                exit = exit.combine(Exit::Usage);
            } else if let Err(e) = write_file(path, formatted.as_bytes()) {
                let _ = writeln!(io.stderr, "scn: error: cannot write {name}: {e}");
                exit = exit.combine(Exit::Usage);
            }
        }
    }
    exit
}

/// The canonical layout in the file's own conventions: its line ends
/// ([`line_ends_of`]) and its byte order mark when it starts with one, so that
/// `scn fmt --check` passes on a formatted file whatever the editor saved.
fn keep_conventions(src: &str, formatted: String) -> String {
    let formatted = line_ends_of(src, formatted);
    if src.starts_with('\u{feff}') && !formatted.starts_with('\u{feff}') {
        format!("\u{feff}{formatted}")
    } else {
        formatted
    }
}

#[cfg(test)]
mod tests {
    use super::keep_conventions;

    #[test]
    fn line_endings_and_the_byte_order_mark_are_the_files() {
        let lf = "scenario s {\n  branch a p = 1\n}\n".to_owned();
        assert_eq!(
            keep_conventions("scenario s {branch a p=1}\n", lf.clone()),
            lf
        );
        assert_eq!(
            keep_conventions("scenario s {\r\nbranch a p=1}\r\n", lf.clone()),
            "scenario s {\r\n  branch a p = 1\r\n}\r\n"
        );
        assert_eq!(
            keep_conventions("\u{feff}scenario s {branch a p=1}", lf.clone()),
            format!("\u{feff}{lf}")
        );
        // A string holding a CR LF keeps it as written (the text inside is not a line end
        // of the file's, but the layout has none of its own there either).
        assert_eq!(keep_conventions("a\r\n", "x\r\ny\n".into()), "x\r\ny\r\n");
    }
}
