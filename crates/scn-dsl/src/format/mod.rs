//! The canonical layout of a `.scn` file, as `scn fmt` writes it.
//!
//! Two-space indent, one item per line, normalised spacing inside items; numbers, strings,
//! dates and durations are kept exactly as written, and so are parentheses. Comments stay
//! where they were: a comment on its own line stays on its own line before the item that
//! followed it, a comment after code stays at the end of that line. Runs of blank lines
//! become one. The output parses to the same AST, and formatting it again changes nothing.
//!
//! Indentation stops growing at [`MAX_INDENT`] columns (40 levels): past that, deeper
//! levels stand at the same column. Real trees are far shallower, and without the cap a
//! file nested 50,000 deep would format to gigabytes of spaces; with it the output is at
//! most a constant times the input.

mod comments;
mod expr;

use comments::Comment;

use crate::ast::{
    Block, BodyItem, BodyItemKind, File, Item, Prob, Scenario, ScenarioItem, ScenarioItemKind, Str,
    When,
};
use crate::span::Span;

/// Widest indentation written, in columns.
pub const MAX_INDENT: usize = 80;

/// Formats a parsed file. `src` must be the text `file` was parsed from.
///
/// Recurses once per level of nesting: call it on a thread with [`crate::LARGE_STACK`].
pub fn format(file: &File, src: &str) -> String {
    let mut p = Printer {
        src,
        out: String::with_capacity(src.len()),
        indent: 0,
        comments: comments::collect(src),
        next: 0,
        limit: u32::MAX,
    };
    for (i, item) in file.items.iter().enumerate() {
        p.limit = file.items.get(i + 1).map_or(u32::MAX, |n| n.span().start);
        p.leading(item.span().start);
        p.item(item);
    }
    p.leading(src.len() as u32);
    p.out
}

/// ` cite a, b`, or nothing for no sources.
fn cites(out: &mut String, cites: &[crate::ast::Ident]) {
    for (i, c) in cites.iter().enumerate() {
        out.push_str(if i == 0 { " cite " } else { ", " });
        out.push_str(&c.name);
    }
}

/// A bound as its sign and its number's text, whatever lay between them.
fn bound(out: &mut String, src: &str, b: &crate::ast::Bound) {
    if b.value < 0.0 || (b.value == 0.0 && b.value.is_sign_negative()) {
        out.push('-');
    }
    out.push_str(&src[b.number.range()]);
}

struct Printer<'s> {
    src: &'s str,
    out: String,
    indent: usize,
    comments: Vec<Comment>,
    next: usize,
    /// Where the next code after the current item starts: a comment at or after it is not
    /// the current item's trailing comment (in `{ a = 1 } // c`, `// c` follows the brace).
    limit: u32,
}

impl Printer<'_> {
    /// The current indentation, capped at [`MAX_INDENT`].
    fn pad(&mut self) {
        self.out
            .extend(std::iter::repeat_n(' ', self.indent.min(MAX_INDENT)));
    }

    /// True when the source has a blank line right before `pos`.
    fn blank_before(&self, pos: u32) -> bool {
        let before = &self.src[..pos as usize];
        let gap = before.len() - before.trim_end().len();
        before[before.len() - gap..].matches('\n').count() >= 2
    }

    /// Starts a line, with a blank line first where the source had one (not at the top of a
    /// file or block).
    fn start(&mut self, pos: u32) {
        if self.blank_before(pos)
            && !self.out.is_empty()
            && !self.out.ends_with("{\n")
            && !self.out.ends_with("\n\n")
        {
            self.out.push('\n');
        }
        self.pad();
    }

    /// Ends a line whose code ended at `end`, keeping a comment that followed on that line.
    fn end(&mut self, end: u32) {
        self.end_before(end, self.limit);
    }

    /// Ends a line after an opening brace at `end`: a comment on that line stays with the
    /// brace only if it comes before `next`, the first code inside (a one-line block's
    /// trailing comment belongs after its closing brace).
    fn end_before(&mut self, end: u32, next: u32) {
        if let Some(c) = self.comments.get(self.next)
            && c.start >= end
            && c.start < next
            && !self.src[end as usize..c.start as usize].contains('\n')
        {
            self.out.push_str("  ");
            self.out.push_str(&c.text);
            self.next += 1;
        }
        self.out.push('\n');
    }

    /// Emits the own-line comments that stand before `pos`.
    fn leading(&mut self, pos: u32) {
        while let Some(c) = self.comments.get(self.next) {
            if c.start >= pos {
                break;
            }
            let (start, text) = (c.start, c.text.clone());
            self.next += 1;
            self.start(start);
            self.out.push_str(&text);
            self.out.push('\n');
        }
    }

    fn push_str_lit(&mut self, s: &Str) {
        self.out.push(' ');
        self.out.push_str(&self.src[s.span.range()]);
    }

    fn item(&mut self, item: &Item) {
        self.start(item.span().start);
        match item {
            Item::Import(i) => {
                self.out.push_str("import");
                self.push_str_lit(&i.path);
                self.end(i.span.end);
            }
            Item::Plugin(p) => {
                self.out.push_str("plugin ");
                self.out.push_str(&p.name.name);
                self.end(p.span.end);
            }
            Item::Template(t) => {
                self.out.push_str("template ");
                self.out.push_str(&t.name.name);
                self.out.push('(');
                for (i, param) in t.params.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    self.out.push_str(&param.name.name);
                    if let Some(d) = &param.default {
                        self.out.push_str(" = ");
                        expr::expr(&mut self.out, self.src, d);
                    }
                }
                self.out.push_str(") ");
                self.block(&t.body);
                self.end(t.span.end);
            }
            Item::Scenario(s) => self.scenario(s),
        }
    }

    fn scenario(&mut self, s: &Scenario) {
        self.out.push_str("scenario ");
        self.out.push_str(&s.id.name);
        if let Some(t) = &s.title {
            self.push_str_lit(t);
        }
        let after = s.title.as_ref().map_or(s.id.span.end, |t| t.span.end);
        let open = self.src[after as usize..]
            .find('{')
            .map_or(after, |i| after + i as u32 + 1);
        if s.items.is_empty()
            && self
                .comments
                .get(self.next)
                .is_none_or(|c| c.start >= s.span.end)
        {
            self.out.push_str(" {}");
            return self.end(s.span.end);
        }
        self.out.push_str(" {");
        let first = s.items.first().map_or(s.span.end - 1, |i| i.span.start);
        self.end_before(open, first);
        self.indent += 2;
        let saved = self.limit;
        for (i, item) in s.items.iter().enumerate() {
            self.limit = s.items.get(i + 1).map_or(s.span.end - 1, |n| n.span.start);
            self.leading(item.span.start);
            self.scenario_item(item);
        }
        self.limit = saved;
        self.leading(s.span.end - 1);
        self.indent -= 2;
        self.pad();
        self.out.push('}');
        self.end(s.span.end);
    }

    fn scenario_item(&mut self, item: &ScenarioItem) {
        let kind = match &item.kind {
            ScenarioItemKind::Node(node) => return self.body_item(node),
            k => k,
        };
        self.start(item.span.start);
        let src = self.src;
        let out = &mut self.out;
        match kind {
            ScenarioItemKind::AsOf(d) => {
                out.push_str("as_of ");
                out.push_str(&src[d.span.range()]);
            }
            ScenarioItemKind::Horizon(d) => {
                out.push_str("horizon ");
                out.push_str(&src[d.span.range()]);
            }
            ScenarioItemKind::Author(s) => {
                out.push_str("author ");
                out.push_str(&src[s.span.range()]);
            }
            ScenarioItemKind::Description(s) => {
                out.push_str("description ");
                out.push_str(&src[s.span.range()]);
            }
            ScenarioItemKind::Source { id, text } => {
                out.push_str("source ");
                out.push_str(&id.name);
                out.push(' ');
                out.push_str(&src[text.span.range()]);
            }
            ScenarioItemKind::Let {
                name,
                value,
                doc,
                cites: c,
            } => {
                out.push_str("let ");
                out.push_str(&name.name);
                out.push_str(" = ");
                expr::expr(out, src, value);
                if let Some(d) = doc {
                    out.push(' ');
                    out.push_str(&src[d.span.range()]);
                }
                cites(out, c);
            }
            ScenarioItemKind::Note(s) => {
                out.push_str("note ");
                out.push_str(&src[s.span.range()]);
            }
            ScenarioItemKind::Metric {
                name,
                label,
                unit,
                init,
            } => {
                out.push_str("metric ");
                out.push_str(&name.name);
                if let Some(l) = label {
                    out.push(' ');
                    out.push_str(&src[l.span.range()]);
                }
                if let Some(u) = unit {
                    out.push_str(" unit ");
                    out.push_str(&src[u.span.range()]);
                }
                out.push_str(" = ");
                expr::expr(out, src, init);
            }
            ScenarioItemKind::Objective { direction, metric } => {
                out.push_str("objective ");
                out.push_str(direction.as_str());
                out.push(' ');
                out.push_str(&metric.name);
            }
            ScenarioItemKind::Observe(e) => {
                out.push_str("observe ");
                expr::event(out, src, e);
            }
            ScenarioItemKind::Forecast {
                name,
                label,
                value,
                closes,
                criteria,
            } => {
                out.push_str("forecast ");
                out.push_str(&name.name);
                if let Some(l) = label {
                    out.push(' ');
                    out.push_str(&src[l.span.range()]);
                }
                out.push_str(" = ");
                expr::expr(out, src, value);
                if let Some(d) = closes {
                    out.push_str(" closes ");
                    out.push_str(&src[d.span.range()]);
                }
                if let Some(c) = criteria {
                    out.push_str(" criteria ");
                    out.push_str(&src[c.span.range()]);
                }
            }
            ScenarioItemKind::Expect { value, lo, hi } => {
                out.push_str("expect ");
                expr::expr(out, src, value);
                out.push_str(" in ");
                bound(out, src, lo);
                out.push_str(" .. ");
                bound(out, src, hi);
            }
            ScenarioItemKind::Node(_) => unreachable!("handled above"),
        }
        self.end(item.span.end);
    }

    fn body_item(&mut self, item: &BodyItem) {
        self.start(item.span.start);
        let src = self.src;
        match &item.kind {
            BodyItemKind::Effect(e) => {
                self.out.push_str(&e.target.name);
                self.out.push(' ');
                self.out.push_str(e.op.as_str());
                self.out.push(' ');
                expr::expr(&mut self.out, src, &e.value);
            }
            BodyItemKind::Note(s) => {
                self.out.push_str("note ");
                self.out.push_str(&src[s.span.range()]);
            }
            BodyItemKind::Use(u) => {
                self.out.push_str("use ");
                self.out.push_str(&u.template.name);
                expr::args(&mut self.out, src, &u.args);
            }
            BodyItemKind::Branch(b) => {
                self.out.push_str("branch ");
                self.out.push_str(&b.id.name);
                if let Some(l) = &b.label {
                    self.push_str_lit(l);
                }
                self.out.push_str(" p = ");
                match &b.prob {
                    Prob::Rest(_) => self.out.push_str("rest"),
                    Prob::Expr(e) => expr::expr(&mut self.out, src, e),
                }
                self.header_tail(b.when.as_deref(), b.tags());
                cites(&mut self.out, b.cites());
                if let Some(body) = &b.body {
                    self.out.push(' ');
                    return self.block_then_end(body);
                }
            }
            BodyItemKind::Option(o) => {
                self.out.push_str("option ");
                self.out.push_str(&o.id.name);
                if let Some(l) = &o.label {
                    self.push_str_lit(l);
                }
                self.header_tail(o.when.as_ref(), &o.tags);
                if let Some(body) = &o.body {
                    self.out.push(' ');
                    return self.block_then_end(body);
                }
            }
        }
        self.end(item.span.end);
    }

    fn header_tail(&mut self, when: Option<&When>, tags: &[crate::ast::Ident]) {
        match when {
            Some(When::At(d)) => {
                self.out.push_str(" at ");
                self.out.push_str(&self.src[d.span.range()]);
            }
            Some(When::After(d)) => {
                self.out.push_str(" after ");
                self.out.push_str(&self.src[d.span.range()]);
            }
            None => {}
        }
        for t in tags {
            self.out.push_str(" #");
            self.out.push_str(&t.name);
        }
    }

    fn block_then_end(&mut self, body: &Block) {
        self.block(body);
        self.end(body.span.end);
    }

    /// `{`, the items one per line, `}` at the current indent; the caller ends the line.
    fn block(&mut self, body: &Block) {
        if body.items.is_empty() && !self.has_comment_in(body.span) {
            self.out.push_str("{}");
            return;
        }
        self.out.push('{');
        let first = body
            .items
            .first()
            .map_or(body.span.end - 1, |i| i.span.start);
        self.end_before(body.span.start + 1, first);
        self.indent += 2;
        let saved = self.limit;
        for (i, item) in body.items.iter().enumerate() {
            self.limit = body
                .items
                .get(i + 1)
                .map_or(body.span.end - 1, |n| n.span.start);
            self.leading(item.span.start);
            self.body_item(item);
        }
        self.limit = saved;
        self.leading(body.span.end - 1);
        self.indent -= 2;
        self.pad();
        self.out.push('}');
    }

    fn has_comment_in(&self, span: Span) -> bool {
        self.comments
            .get(self.next)
            .is_some_and(|c| c.start < span.end)
    }
}
