//! Exit codes (docs/reference/cli.md#exit-codes).

use std::process::ExitCode;

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// Success.
    Ok = 0,
    /// An invalid scenario: at least one diagnostic of severity error.
    Invalid = 1,
    /// Bad flags, or a file that cannot be read or written.
    Usage = 2,
    /// Expectations failed (`scn test`).
    Failed = 3,
    /// A bug in scn itself.
    Internal = 101,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

impl Exit {
    /// The code to report when runs over several files ended differently: an invalid file
    /// outranks failed expectations (a rule of the CLI contract), and I/O errors outrank both.
    pub fn combine(self, other: Exit) -> Exit {
        fn rank(e: Exit) -> u8 {
            match e {
                Exit::Ok => 0,
                Exit::Failed => 1,
                Exit::Invalid => 2,
                Exit::Usage => 3,
                Exit::Internal => 4,
            }
        }
        if rank(other) > rank(self) {
            other
        } else {
            self
        }
    }
}
