//! Reading the documentation's examples: the fenced blocks of a Markdown page, the commands
//! and expected output of its `console` blocks, and matching output against an expectation
//! that may elide lines. The conventions are the ones `docs/README.md` describes for writers.

use std::ops::Range;
use std::path::{Path, PathBuf};

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

/// A line of expected output standing for any number of lines, the empty run included.
pub const ELLIPSIS: &str = "…";
/// Text within an expected line standing for any text.
pub const WILDCARD: &str = "[..]";

/// The Markdown pages checked: the README and every page under `docs/`, sorted.
pub fn pages(root: &Path) -> Vec<PathBuf> {
    let mut out = vec![root.join("README.md")];
    let mut stack = vec![root.join("docs")];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
        for entry in entries {
            let p = entry.expect("a directory entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "md") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// One fenced block of a page.
#[derive(Debug)]
pub struct Block {
    /// The first word of the info string: `scn`, `console`, `toml`, ….
    pub lang: String,
    /// The other words of the info string.
    pub words: Vec<String>,
    /// The block's text.
    pub text: String,
    /// The line of the page the block's text starts on (1-based), for messages.
    pub line: usize,
    /// Byte range of the whole block, fences included.
    pub range: Range<usize>,
}

impl Block {
    /// The file the block is saved as: its first line is a comment holding only a file name
    /// (`// forecast.scn`, `# scn.toml`).
    pub fn file_name(&self) -> Option<&str> {
        let first = self.text.lines().next()?.trim();
        let name = first
            .strip_prefix("//")
            .or_else(|| first.strip_prefix('#'))?
            .trim();
        let plausible = !name.is_empty()
            && !name.contains(char::is_whitespace)
            && name.contains('.')
            && !name.starts_with('/')
            && !name.split('/').any(|part| part == "..");
        plausible.then_some(name)
    }
}

/// Every fenced block of a Markdown text, in order.
pub fn blocks(md: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<(String, Vec<String>, usize, String)> = None;
    for (event, range) in Parser::new(md).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                let mut words = info.split_whitespace().map(str::to_owned);
                let lang = words.next().unwrap_or_default();
                open = Some((lang, words.collect(), range.start, String::new()));
            }
            Event::Text(t) => {
                if let Some((_, _, _, text)) = &mut open {
                    text.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((lang, words, start, text)) = open.take() {
                    let line = md[..start].matches('\n').count() + 2;
                    out.push(Block {
                        lang,
                        words,
                        text,
                        line,
                        range: start..range.end,
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// One command of a `console` block and the output shown after it.
#[derive(Debug)]
pub struct Command {
    /// The command line after `$ `, as written.
    pub line: String,
    /// Its words, quotes removed.
    pub words: Vec<String>,
    /// The exit code written as a trailing `# exit N`; 0 when none is.
    pub exit: u8,
    /// The expected output, one entry per line.
    pub expected: Vec<String>,
}

/// Splits a `console` block into commands. Errors name what is wrong with the block.
pub fn commands(text: &str) -> Result<Vec<Command>, String> {
    let mut out: Vec<Command> = Vec::new();
    for line in text.lines() {
        if let Some(cmd) = line.strip_prefix("$ ") {
            let (cmd, exit) = match cmd.rsplit_once("# exit ") {
                Some((c, n)) => (
                    c.trim_end(),
                    n.trim()
                        .parse()
                        .map_err(|_| format!("`# exit {n}` is not an exit code"))?,
                ),
                None => (cmd, 0),
            };
            out.push(Command {
                line: line[2..].to_owned(),
                words: split_words(cmd)?,
                exit,
                expected: Vec::new(),
            });
        } else if let Some(last) = out.last_mut() {
            last.expected.push(line.to_owned());
        } else {
            return Err(format!("output before the first `$ ` command: {line:?}"));
        }
    }
    for c in &mut out {
        while c.expected.last().is_some_and(|l| l.trim().is_empty()) {
            c.expected.pop();
        }
    }
    Ok(out)
}

/// Splits a command line into words as a POSIX shell would for the simple cases the docs
/// use: whitespace separates, single and double quotes group.
pub fn split_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some(q) if q == c => break,
                        Some(other) => word.push(other),
                        None => return Err(format!("unclosed {c} in {line:?}")),
                    }
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

/// True when an expectation uses `…` lines or `[..]`, so that it cannot be rewritten from
/// the output alone.
pub fn is_pattern(expected: &[String]) -> bool {
    expected
        .iter()
        .any(|l| l.trim() == ELLIPSIS || l.contains(WILDCARD))
}

/// Whether `actual` lines match `expected` lines: equal after trimming trailing whitespace,
/// where a line `…` matches any run of lines and `[..]` within a line matches any text.
pub fn matches(expected: &[String], actual: &[String]) -> bool {
    // reach[j]: the first i expected lines can match the first j actual lines.
    let mut reach = vec![false; actual.len() + 1];
    reach[0] = true;
    for e in expected {
        let e = e.trim_end();
        let mut next = vec![false; actual.len() + 1];
        if e.trim() == ELLIPSIS {
            let mut any = false;
            for j in 0..=actual.len() {
                any |= reach[j];
                next[j] = any;
            }
        } else {
            for j in 0..actual.len() {
                next[j + 1] = reach[j] && line_matches(e, actual[j].trim_end());
            }
        }
        reach = next;
    }
    reach[actual.len()]
}

fn line_matches(pattern: &str, line: &str) -> bool {
    let mut parts = pattern.split(WILDCARD);
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = line.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

/// Output as the expectation compares it: no ANSI colour, no trailing whitespace, no
/// trailing blank lines.
pub fn output_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = strip_ansi(text)
        .lines()
        .map(|l| l.trim_end().to_owned())
        .collect();
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ parameters final-byte.
            if chars.next() == Some('[') {
                for d in chars.by_ref() {
                    if ('@'..='~').contains(&d) {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The block text of a `console` block rewritten with new outputs (`None` keeps a command's
/// expectation as written).
pub fn rewrite_console(commands: &[Command], outputs: &[Option<Vec<String>>]) -> String {
    let mut text = String::new();
    for (c, out) in commands.iter().zip(outputs) {
        text.push_str("$ ");
        text.push_str(&c.line);
        text.push('\n');
        for l in out.as_ref().unwrap_or(&c.expected) {
            text.push_str(l);
            text.push('\n');
        }
    }
    text
}

/// Replaces a block's text in the page, keeping its fences.
pub fn replace_block_text(md: &str, block: &Block, text: &str) -> String {
    let whole = &md[block.range.clone()];
    let open_end = whole.find('\n').map_or(whole.len(), |i| i + 1);
    let body = whole.trim_end();
    let close_start = body.rfind('\n').map_or(body.len(), |i| i + 1);
    format!(
        "{}{}{text}{}{}",
        &md[..block.range.start],
        &whole[..open_end],
        &whole[close_start..],
        &md[block.range.start + body.len()..]
    )
}

/// A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to
/// hyphens; repeats get `-1`, `-2`, ….
pub fn anchors(md: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut heading: Option<String> = None;
    for event in Parser::new(md) {
        match event {
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = &mut heading {
                    h.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(h) = heading.take() {
                    let base: String = h
                        .trim()
                        .to_lowercase()
                        .chars()
                        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
                        .map(|c| if c == ' ' { '-' } else { c })
                        .collect();
                    let n = seen.entry(base.clone()).or_insert(0);
                    out.push(if *n == 0 { base } else { format!("{base}-{n}") });
                    *n += 1;
                }
            }
            _ => {}
        }
    }
    out
}

/// Every link destination of a page.
pub fn links(md: &str) -> Vec<String> {
    Parser::new(md)
        .filter_map(|e| match e {
            Event::Start(Tag::Link { dest_url, .. }) => Some(dest_url.into_string()),
            _ => None,
        })
        .collect()
}
