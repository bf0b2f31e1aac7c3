//! Limits checked before parsing, so that hostile input fails with a message, not a crash.
//!
//! The parser and the AST recurse once per level of braces and parentheses. Callers run them
//! on a thread with [`LARGE_STACK`] bytes of stack, which holds [`MAX_NESTING`] levels with
//! room to spare; deeper input is refused here, before any recursion starts. A caller that
//! cannot reserve that much (a low `ulimit -v`) says so with [`set_stack_size`], and the
//! limits shrink in proportion.

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::code::Code;
use crate::diag::Diagnostic;
use crate::scan::{Piece, scan};
use crate::source::FileId;
use crate::span::Span;

/// Deepest nesting of `{` and `(` accepted.
pub const MAX_NESTING: usize = 50_000;

/// Most operators (`+ - * / ^ to`, unary `-`, `not and or`) in one item. Expression trees
/// are built and walked recursively, one level per operator at worst (`---…1`, `2^2^…`).
pub const MAX_OPERATORS: usize = 100_000;

/// Stack size, in bytes, for a thread that parses, formats or drops a syntax tree.
pub const LARGE_STACK: usize = 2 << 30;

/// The stack the parsing thread has, when smaller than [`LARGE_STACK`].
static STACK: AtomicUsize = AtomicUsize::new(LARGE_STACK);

/// Tells the parser that the threads it runs on have `bytes` of stack rather than
/// [`LARGE_STACK`]: the nesting and operator limits shrink in proportion (for the whole
/// process).
pub fn set_stack_size(bytes: usize) {
    STACK.store(bytes.min(LARGE_STACK), Ordering::Relaxed);
}

/// The stack the parsing thread has: what a thread that helps it needs.
pub(crate) fn stack_size() -> usize {
    STACK.load(Ordering::Relaxed)
}

/// `limit` scaled to the stack there is, never below a floor that any real file fits in.
fn scaled(limit: usize) -> usize {
    let stack = STACK.load(Ordering::Relaxed) as u128;
    let n = limit as u128 * stack / LARGE_STACK as u128;
    (n as usize).clamp(limit.min(200), limit)
}

/// The deepest nesting accepted on this process's stack: [`MAX_NESTING`] unless
/// [`set_stack_size`] lowered it.
pub fn max_nesting() -> usize {
    scaled(MAX_NESTING)
}

/// The most operators accepted in one item: [`MAX_OPERATORS`] unless [`set_stack_size`]
/// lowered it.
pub fn max_operators() -> usize {
    scaled(MAX_OPERATORS)
}

/// Largest file accepted: spans are `u32` byte offsets.
const MAX_BYTES: usize = u32::MAX as usize - 1;

/// Refuses a file whose offsets do not fit a [`Span`].
pub(crate) fn check_size(text: &str, file: FileId) -> Result<(), Diagnostic> {
    if text.len() > MAX_BYTES {
        return Err(
            Diagnostic::error(file, Span::default(), "the file is larger than 4 GiB")
                .with_code(Code::TooLarge),
        );
    }
    Ok(())
}

/// Refuses a file too large or nested too deep.
pub(crate) fn check(text: &str, file: FileId) -> Result<(), Diagnostic> {
    check_size(text, file)?;
    let max = max_nesting();
    let mut depth = 0usize;
    let mut too_deep = None;
    scan(text, |piece| {
        match piece {
            Piece::Code(i, b'{' | b'(') => {
                depth += 1;
                if depth > max {
                    too_deep = Some(i);
                    return false;
                }
            }
            Piece::Code(_, b'}' | b')') => depth = depth.saturating_sub(1),
            _ => {}
        }
        true
    });
    if let Some(i) = too_deep {
        return Err(Diagnostic::error(
            file,
            Span::new(i, i + 1),
            format!("nesting is deeper than {max} levels"),
        )
        .with_help("split the tree with templates or flatten it")
        .with_code(Code::TooLarge));
    }
    Ok(())
}
