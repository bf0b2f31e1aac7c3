//! `scn completions SHELL` and `scn man`: what a package installs beside the binary, made
//! from the command line's own description so that they cannot drift from it.

use clap::CommandFactory;

use crate::args::{Cli, CompletionsArgs, ManArgs};
use crate::{Exit, Io};

pub(crate) fn completions(args: &CompletionsArgs, io: &mut Io<'_>) -> Exit {
    let mut cmd = Cli::command();
    // A write error is reported once, at the end of the run.
    clap_complete::generate(args.shell, &mut cmd, "scn", io.stdout);
    Exit::Ok
}

pub(crate) fn man(args: &ManArgs, io: &mut Io<'_>) -> Exit {
    let cmd = Cli::command();
    let result = match &args.dir {
        Some(dir) => std::fs::create_dir_all(dir).and_then(|()| clap_mangen::generate_to(cmd, dir)),
        None => clap_mangen::Man::new(cmd).render(io.stdout),
    };
    match result {
        Ok(()) => Exit::Ok,
        // A reader that stopped early (`| head`) is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Exit::Ok,
        Err(e) => {
            let what = args
                .dir
                .as_deref()
                .map_or_else(|| "the manual page".to_owned(), super::shown);
            let _ = writeln!(io.stderr, "scn: error: cannot write {what}: {e}");
            Exit::Usage
        }
    }
}
