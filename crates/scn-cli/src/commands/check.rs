//! `scn check FILE...`: every diagnostic of every file; exit 1 if any is an error.

use crate::args::CheckArgs;
use crate::input::read_source;
use crate::{Exit, Io};

pub(crate) fn run(args: &CheckArgs, io: &mut Io<'_>) -> Exit {
    let mut exit = Exit::Ok;
    for path in &args.files {
        let code = match read_source(path, io.stdin) {
            Err(e) => super::report_read_error(e, io),
            Ok((map, id)) => match scn_dsl::parse(&map.get(id).text, id) {
                Ok(_) => Exit::Ok,
                Err(diags) => super::report(&diags, &map, io),
            },
        };
        exit = exit.combine(code);
    }
    exit
}
