//! Semantic tokens, from a lexer of its own: it colours any text, even one that does not parse
//! (the file being typed), and the syntax index, when there is one, tells names apart (a
//! branch, a let, a metric).
//!
//! The lexer follows grammar/scn.pest's tokens. Two things the grammar decides by context are
//! guessed from the neighbouring tokens: whether a four-digit number is a year (after `as_of`,
//! `horizon`, `at`, `by`, `closes`) and whether `p`, `closes` and `criteria` are keywords
//! (`p` before `=` in a branch's head, `closes` before a date, `criteria` before a string).

use lsp_types::{
    SemanticToken, SemanticTokenModifier, SemanticTokenType, SemanticTokens, SemanticTokensLegend,
};

use std::collections::HashMap;

use super::syntax::{DefKind, Index, RefKind};

/// What a token is, lexically.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lex {
    Keyword,
    Ident,
    Number,
    Date,
    Duration,
    Str,
    Tag,
    Comment,
    Op,
    Punct,
    /// A byte the language has no use for.
    Other,
}

/// A token: its kind and byte range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Token {
    pub lex: Lex,
    pub start: usize,
    pub end: usize,
}

pub(crate) use scn_dsl::KEYWORDS;

/// Words that are keywords only in one place, names elsewhere.
pub(crate) const CONTEXTUAL: &[&str] = &["p", "closes", "criteria"];

/// Keywords after which a four-digit number is a year.
const BEFORE_DATE: &[&str] = &["as_of", "horizon", "at", "by", "closes"];

fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Splits a text into tokens (whitespace dropped).
pub(crate) fn lex(text: &str) -> Vec<Token> {
    let b = text.as_bytes();
    let mut out: Vec<Token> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        let c = b[i];
        let lex = match c {
            b' ' | b'\t' | b'\r' | b'\n' => {
                i += 1;
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' && b[i] != b'\r' {
                    i += 1;
                }
                Lex::Comment
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' && b[i] != b'\n' && b[i] != b'\r' {
                    i += if b[i] == b'\\' && i + 1 < b.len() && b[i + 1] != b'\n' {
                        2
                    } else {
                        1
                    };
                }
                if i < b.len() && b[i] == b'"' {
                    i += 1;
                }
                Lex::Str
            }
            b'#' if b
                .get(i + 1)
                .is_some_and(|&n| n.is_ascii_alphabetic() || n == b'_') =>
            {
                i += 1;
                while i < b.len() && is_ident_char(b[i]) {
                    i += 1;
                }
                Lex::Tag
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                while i < b.len() && is_ident_char(b[i]) {
                    i += 1;
                }
                if KEYWORDS.contains(&&text[start..i]) {
                    Lex::Keyword
                } else {
                    Lex::Ident
                }
            }
            c if c.is_ascii_digit() => {
                let (end, lex) = number_like(b, i);
                i = end;
                lex
            }
            b'+' | b'-' | b'*' if b.get(i + 1) == Some(&b'=') => {
                i += 2;
                Lex::Op
            }
            b'.' if b.get(i + 1) == Some(&b'.') => {
                i += 2;
                Lex::Op
            }
            b'+' | b'-' | b'*' | b'/' | b'^' | b'=' | b'|' => {
                i += 1;
                Lex::Op
            }
            b'(' | b')' | b'{' | b'}' | b',' | b'.' => {
                i += 1;
                Lex::Punct
            }
            _ => {
                // One whole character, so that a token never splits one.
                i += text[i..].chars().next().map_or(1, char::len_utf8);
                Lex::Other
            }
        };
        out.push(Token { lex, start, end: i });
    }
    settle_context(text, &mut out);
    out
}

/// A number, date or duration starting at `i`.
fn number_like(b: &[u8], i: usize) -> (usize, Lex) {
    let digits = |mut j: usize| {
        while j < b.len()
            && (b[j].is_ascii_digit()
                || (b[j] == b'_' && j + 1 < b.len() && b[j + 1].is_ascii_digit()))
        {
            j += 1;
        }
        j
    };
    let run = |j: usize| b[j..].iter().take_while(|c| c.is_ascii_digit()).count();
    // A date: YYYY-MM or YYYY-MM-DD.
    if run(i) == 4 && b.get(i + 4) == Some(&b'-') && run(i + 5) == 2 {
        let mut j = i + 7;
        if b.get(j) == Some(&b'-') && run(j + 1) == 2 {
            j += 3;
        }
        if !b.get(j).is_some_and(|&c| is_ident_char(c)) {
            return (j, Lex::Date);
        }
    }
    // A duration: (digits unit)+ with units mo, y, w, d.
    let mut j = i;
    let mut parts = 0;
    loop {
        let n = run(j);
        if n == 0 {
            break;
        }
        let k = j + n;
        let unit = if b[k..].starts_with(b"mo") {
            2
        } else if matches!(b.get(k), Some(b'y' | b'w' | b'd')) {
            1
        } else {
            0
        };
        if unit == 0 {
            break;
        }
        j = k + unit;
        parts += 1;
    }
    if parts > 0 && !b.get(j).is_some_and(|&c| is_ident_char(c)) {
        return (j, Lex::Duration);
    }
    // A number: digits, fraction, exponent, scale, percent.
    let mut j = digits(i);
    if b.get(j) == Some(&b'.') && b.get(j + 1).is_some_and(u8::is_ascii_digit) {
        j = digits(j + 1);
    }
    if matches!(b.get(j), Some(b'e' | b'E')) {
        let mut k = j + 1;
        if matches!(b.get(k), Some(b'+' | b'-')) {
            k += 1;
        }
        if run(k) > 0 {
            j = k + run(k);
        }
    }
    if matches!(b.get(j), Some(b'k' | b'M' | b'B')) {
        j += 1;
    }
    if b.get(j) == Some(&b'%') {
        j += 1;
    }
    // Letters glued on (`5m`) belong to the token, which the parser refuses whole.
    while j < b.len() && is_ident_char(b[j]) {
        j += 1;
    }
    (j, Lex::Number)
}

/// Years after date keywords; `p`, `closes`, `criteria` where they are keywords.
fn settle_context(text: &str, toks: &mut [Token]) {
    let code: Vec<usize> = (0..toks.len())
        .filter(|&i| toks[i].lex != Lex::Comment)
        .collect();
    let word = |t: &Token| &text[t.start..t.end];
    for (k, &i) in code.iter().enumerate() {
        let prev = k.checked_sub(1).map(|p| toks[code[p]]);
        let prev2 = k.checked_sub(2).map(|p| toks[code[p]]);
        let next = code.get(k + 1).map(|&n| toks[n]);
        let t = toks[i];
        match (t.lex, word(&t)) {
            (Lex::Number, w)
                if w.len() == 4
                    && w.bytes().all(|c| c.is_ascii_digit())
                    && prev
                        .is_some_and(|p| p.lex != Lex::Str && BEFORE_DATE.contains(&word(&p))) =>
            {
                toks[i].lex = Lex::Date;
            }
            (Lex::Ident, "p") => {
                let before_eq = next.is_some_and(|n| word(&n) == "=");
                let in_head = prev.is_some_and(|p| {
                    p.lex == Lex::Str
                        || (p.lex == Lex::Ident && prev2.is_some_and(|q| word(&q) == "branch"))
                });
                if before_eq && in_head {
                    toks[i].lex = Lex::Keyword;
                }
            }
            (Lex::Ident, "closes")
                if next.is_some_and(|n| {
                    n.lex == Lex::Date || (n.lex == Lex::Number && n.end - n.start == 4)
                }) =>
            {
                toks[i].lex = Lex::Keyword;
            }
            (Lex::Ident, "criteria")
                if next.is_some_and(|n| n.lex == Lex::Str)
                    && prev.is_some_and(|p| p.lex != Lex::Keyword) =>
            {
                toks[i].lex = Lex::Keyword;
            }
            _ => {}
        }
    }
    // A year after `closes` that became a keyword only now.
    for (k, &i) in code.iter().enumerate() {
        if toks[i].lex == Lex::Number
            && toks[i].end - toks[i].start == 4
            && k > 0
            && toks[code[k - 1]].lex == Lex::Keyword
            && word(&toks[code[k - 1]]) == "closes"
        {
            toks[i].lex = Lex::Date;
        }
    }
}

/// The token types the server sends, in legend order.
const TYPES: &[&str] = &[
    "keyword",
    "variable",
    "number",
    "string",
    "comment",
    "operator",
    "decorator",
    "event",
    "property",
    "function",
    "parameter",
    "namespace",
    "date",
];

const DECLARATION: u32 = 1;

/// The legend announced in the server's capabilities.
pub(crate) fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: TYPES.iter().map(|t| SemanticTokenType::new(t)).collect(),
        token_modifiers: vec![SemanticTokenModifier::DECLARATION],
    }
}

fn ty(name: &str) -> u32 {
    TYPES.iter().position(|t| *t == name).unwrap_or(1) as u32
}

fn def_type(kind: DefKind) -> &'static str {
    match kind {
        DefKind::Branch | DefKind::Option => "event",
        DefKind::Let | DefKind::Forecast => "variable",
        DefKind::Metric => "property",
        DefKind::Template => "function",
        DefKind::Param => "parameter",
        DefKind::Scenario | DefKind::Source | DefKind::Plugin => "namespace",
    }
}

/// The type and modifiers of every name the index knows, by the offset it starts at: built
/// once per request, so that a large file costs a pass, not a search per name.
fn name_types(ix: &Index) -> HashMap<usize, (u32, u32)> {
    let mut out = HashMap::with_capacity(ix.defs.len() + ix.refs.len());
    // What a bare name stands for in each scope: a template's parameters, the scenario's
    // namespace.
    let mut names: HashMap<(usize, &str), DefKind> = HashMap::new();
    for d in &ix.defs {
        out.insert(d.span.start as usize, (ty(def_type(d.kind)), DECLARATION));
        if let (
            Some(p),
            DefKind::Let | DefKind::Metric | DefKind::Forecast | DefKind::Source | DefKind::Param,
        ) = (d.parent, d.kind)
        {
            names.entry((p, d.name.as_str())).or_insert(d.kind);
        }
    }
    let scenario = ix.scenario();
    for r in &ix.refs {
        let t = match &r.kind {
            RefKind::Name => {
                let own = r.scope.and_then(|s| names.get(&(s, r.name.as_str())));
                let scenario = scenario.and_then(|s| names.get(&(s, r.name.as_str())));
                own.or(scenario).map_or("variable", |k| def_type(*k))
            }
            RefKind::Metric => "property",
            RefKind::Path { .. } => "event",
            RefKind::Tag => "decorator",
            RefKind::Source | RefKind::Plugin => "namespace",
            RefKind::Template | RefKind::Function { .. } => "function",
            RefKind::NamedArg { .. } => "parameter",
            RefKind::Import => "string",
        };
        out.insert(r.span.start as usize, (ty(t), 0));
    }
    out
}

/// The semantic tokens of a text, delta-encoded as the protocol wants.
pub(crate) fn semantic_tokens(text: &str, ix: Option<&Index>) -> SemanticTokens {
    let names = ix.map(name_types).unwrap_or_default();
    let variable = (ty("variable"), 0);
    let mut data = Vec::new();
    // A running position, so that the whole text is walked once.
    let (mut line, mut col, mut at) = (0u32, 0u32, 0usize);
    let (mut prev_line, mut prev_col) = (0u32, 0u32);
    let bytes = text.as_bytes();
    let advance = |to: usize, line: &mut u32, col: &mut u32, at: &mut usize| {
        while *at < to {
            let c = text[*at..].chars().next().unwrap_or(' ');
            match c {
                '\n' => {
                    *line += 1;
                    *col = 0;
                }
                '\r' if bytes.get(*at + 1) != Some(&b'\n') => {
                    *line += 1;
                    *col = 0;
                }
                '\r' => {}
                c => *col += c.len_utf16() as u32,
            }
            *at += c.len_utf8();
        }
    };
    for t in lex(text) {
        let (token_type, modifiers) = match t.lex {
            Lex::Keyword => (ty("keyword"), 0),
            Lex::Ident => names.get(&t.start).copied().unwrap_or(variable),
            Lex::Number => (ty("number"), 0),
            Lex::Date | Lex::Duration => (ty("date"), 0),
            Lex::Str => (ty("string"), 0),
            Lex::Tag => (ty("decorator"), 0),
            Lex::Comment => (ty("comment"), 0),
            Lex::Op => (ty("operator"), 0),
            Lex::Punct | Lex::Other => continue,
        };
        advance(t.start, &mut line, &mut col, &mut at);
        let (l0, c0) = (line, col);
        advance(t.end, &mut line, &mut col, &mut at);
        if line != l0 {
            continue; // never: no token spans lines
        }
        data.push(SemanticToken {
            delta_line: l0 - prev_line,
            delta_start: if l0 == prev_line { c0 - prev_col } else { c0 },
            length: col - c0,
            token_type,
            token_modifiers_bitset: modifiers,
        });
        (prev_line, prev_col) = (l0, c0);
    }
    SemanticTokens {
        result_id: None,
        data,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Lex, &str)> {
        lex(text)
            .into_iter()
            .map(|t| (t.lex, &text[t.start..t.end]))
            .collect()
    }

    #[test]
    fn lexes_every_literal_form() {
        use Lex::*;
        assert_eq!(
            kinds("let x = 2.5k + 18% - 1e-3 * 1_000 // why\nas_of 2026 at 2026-06 after 1y6mo"),
            vec![
                (Keyword, "let"),
                (Ident, "x"),
                (Op, "="),
                (Number, "2.5k"),
                (Op, "+"),
                (Number, "18%"),
                (Op, "-"),
                (Number, "1e-3"),
                (Op, "*"),
                (Number, "1_000"),
                (Comment, "// why"),
                (Keyword, "as_of"),
                (Date, "2026"),
                (Keyword, "at"),
                (Date, "2026-06"),
                (Keyword, "after"),
                (Duration, "1y6mo"),
            ]
        );
        assert_eq!(
            kinds(r#"note "a \"q\" b" #tag_1 x.y(1) += .."#),
            vec![
                (Keyword, "note"),
                (Str, r#""a \"q\" b""#),
                (Tag, "#tag_1"),
                (Ident, "x"),
                (Punct, "."),
                (Ident, "y"),
                (Punct, "("),
                (Number, "1"),
                (Punct, ")"),
                (Op, "+="),
                (Op, ".."),
            ]
        );
    }

    #[test]
    fn contextual_words_are_keywords_only_in_place() {
        use Lex::*;
        let k = kinds(
            "branch a \"A\" p = 1 branch b p = rest let p = 2\n\
             forecast f = P(a) closes 2027 criteria \"x\" metric criteria \"c\" = 0",
        );
        let of =
            |w: &str| -> Vec<Lex> { k.iter().filter(|(_, s)| *s == w).map(|(l, _)| *l).collect() };
        assert_eq!(of("p"), vec![Keyword, Keyword, Ident]);
        assert_eq!(of("closes"), vec![Keyword]);
        assert_eq!(of("2027"), vec![Date]);
        assert_eq!(of("criteria"), vec![Keyword, Ident]);
    }

    #[test]
    fn tokens_are_delta_encoded_in_utf16_units() {
        let text = "// é𝔼\nnote \"ü😀\" x";
        let toks: Vec<(u32, u32, u32)> = semantic_tokens(text, None)
            .data
            .iter()
            .map(|t| (t.delta_line, t.delta_start, t.length))
            .collect();
        // The comment is 3 + 1 + 2 = 6 units long; the string 2 + 1 + 2 = 5, from column 5;
        // `x` at column 11, 6 after the string's start.
        assert_eq!(toks, [(0, 0, 6), (1, 0, 4), (0, 5, 5), (0, 6, 1)]);
    }

    #[test]
    fn any_bytes_lex_without_splitting_characters() {
        let text = "ç\u{0}\"unterminated\n#\u{1F600} 12abc 2026-13-99x 5m $1000";
        let toks = lex(text);
        for t in &toks {
            assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
            assert!(t.start < t.end);
        }
        let _ = semantic_tokens(text, None);
    }
}
