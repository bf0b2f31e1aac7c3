//! placeholder
use super::{Render, Report};
use std::io::{self, Write};
pub(crate) struct Html;
impl Render for Html {
    fn render(&self, _: &Report<'_>, _: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }
}
