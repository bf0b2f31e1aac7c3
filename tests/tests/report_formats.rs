//! The Markdown and HTML reports: Markdown is snapshot-tested; HTML is checked for structure
//! (balanced tags, nothing fetched, text escaped, deterministic) because its bytes are layout,
//! not content. `html_chromium.rs` looks at the HTML in a real browser.

use scn_cli::{Exit, Io};

const SPEC_EXAMPLE: &str = include_str!("../fixtures/valid/spec-example.scn");
const LAUNCH: &str = include_str!("../fixtures/reports/launch.scn");

/// Runs `scn eval - ARGS...` on `src` in-process, on a thread with the CLI's stack.
fn eval(src: &str, args: &[&str]) -> String {
    let src = src.to_owned();
    let args: Vec<String> = ["scn", "eval", "-"]
        .iter()
        .chain(args)
        .map(|a| (*a).to_owned())
        .collect();
    let worker = std::thread::Builder::new()
        .stack_size(scn_dsl::LARGE_STACK)
        .spawn(move || {
            let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
            let mut stdin = src.as_bytes();
            let code = scn_cli::run(
                &args,
                &mut Io {
                    stdin: &mut stdin,
                    stdout: &mut stdout,
                    stderr: &mut stderr,
                },
            );
            (
                code,
                String::from_utf8(stdout).expect("UTF-8 report"),
                String::from_utf8_lossy(&stderr).into_owned(),
            )
        });
    let (code, out, err) = worker.expect("spawn").join().expect("no panic");
    assert_eq!(code, Exit::Ok, "scn eval failed:\n{err}");
    out
}

#[test]
fn markdown_of_the_spec_example() {
    insta::assert_snapshot!(
        "markdown_spec_example",
        eval(SPEC_EXAMPLE, &["--format", "markdown"])
    );
}

#[test]
fn markdown_of_the_spec_example_sampled() {
    let out = eval(
        SPEC_EXAMPLE,
        &["--format", "markdown", "--samples", "4000", "--seed", "7"],
    );
    insta::assert_snapshot!("markdown_spec_example_sampled", out);
}

#[test]
fn markdown_of_a_decision_with_evidence() {
    insta::assert_snapshot!("markdown_launch", eval(LAUNCH, &["--format", "markdown"]));
}

#[test]
fn markdown_of_a_decision_with_evidence_sampled() {
    let out = eval(
        LAUNCH,
        &["--format", "markdown", "--samples", "4000", "--seed", "7"],
    );
    insta::assert_snapshot!("markdown_launch_sampled", out);
}

/// The cells of a Markdown table row, split at pipes that are not escaped.
fn cells(line: &str) -> usize {
    let mut count = 0usize;
    let mut escaped = false;
    for c in line.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => count += 1,
            _ => escaped = false,
        }
        if c != '\\' {
            escaped = false;
        }
    }
    count.saturating_sub(1)
}

#[test]
fn markdown_tables_keep_their_columns_and_labels_are_escaped() {
    for out in [
        eval(LAUNCH, &["--format", "markdown"]),
        eval(LAUNCH, &["--format", "markdown", "--samples", "500"]),
    ] {
        let mut header = None;
        for line in out.lines() {
            if !line.starts_with('|') {
                header = None;
                continue;
            }
            let n = cells(line);
            let expected = *header.get_or_insert(n);
            assert_eq!(
                n, expected,
                "a row with {n} cells in a table of {expected}: {line}"
            );
        }
        assert!(
            out.starts_with("# Launch the \\<beta\\> \\| or wait for the audit?\n"),
            "{out}"
        );
        assert!(out.contains("Critical \\<bug\\> found"));
        assert!(!out.contains("<bug>") && !out.contains("<beta>") && !out.contains("<v2>"));
        assert!(!out.contains('\u{1b}'), "no colour codes");
    }
}

/// Checks that every tag opened is closed, in order, outside `<style>`; returns the tag names.
fn balanced(html: &str) -> Result<Vec<String>, String> {
    const VOID: [&str; 6] = ["meta", "br", "img", "hr", "link", "input"];
    let mut stack: Vec<String> = Vec::new();
    let mut seen = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').ok_or("a tag is not closed by `>`")?;
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack
                .pop()
                .ok_or_else(|| format!("</{name}> closes nothing"))?;
            if open != name {
                return Err(format!("</{name}> closes <{open}>"));
            }
            continue;
        }
        let name: String = tag
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        if name.is_empty() {
            return Err(format!("not a tag: <{tag}>"));
        }
        if tag.contains('<') {
            return Err(format!("`<` inside a tag: <{tag}>"));
        }
        seen.push(name.clone());
        if name == "style" {
            let close = rest.find("</style>").ok_or("<style> is not closed")?;
            rest = &rest[close + "</style>".len()..];
            continue;
        }
        if !tag.ends_with('/') && !VOID.contains(&name.as_str()) {
            stack.push(name);
        }
    }
    if stack.is_empty() {
        Ok(seen)
    } else {
        Err(format!("never closed: {stack:?}"))
    }
}

/// Every attribute value of `attr` in the document.
fn attribute_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let key = format!(" {attr}=\"");
    html.match_indices(&key)
        .map(|(i, _)| {
            let v = &html[i + key.len()..];
            &v[..v.find('"').unwrap_or(v.len())]
        })
        .collect()
}

#[track_caller]
fn check_html(html: &str) -> Vec<String> {
    let tags = balanced(html).unwrap_or_else(|e| panic!("unbalanced HTML: {e}"));
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(
        html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
    );
    assert!(html.contains("@media print") && html.contains("@media (max-width"));
    assert!(html.contains("<svg"));
    // Self-contained: nothing to fetch, nothing to run.
    for t in ["script", "img", "link", "iframe", "object", "embed"] {
        assert!(!tags.iter().any(|x| x == t), "a <{t}> element");
    }
    assert!(attribute_values(html, "src").is_empty());
    for href in attribute_values(html, "href") {
        assert!(href.starts_with('#'), "a link out of the page: {href}");
    }
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "an absolute URL"
    );
    assert!(
        !html.contains("url(") && !html.contains("@import"),
        "CSS that fetches"
    );
    tags
}

#[test]
fn html_of_the_spec_example_is_well_formed_and_self_contained() {
    let html = eval(SPEC_EXAMPLE, &["--format", "html", "--samples", "2000"]);
    let tags = check_html(&html);
    assert!(
        tags.iter().filter(|t| *t == "svg").count() >= 5,
        "tree, timeline, 2 histograms and interval bars"
    );
    for section in [
        "forecasts",
        "tree",
        "timeline",
        "paths",
        "metrics",
        "expectations",
        "sources",
    ] {
        assert!(
            html.contains(&format!("<section id=\"{section}\">")),
            "no {section} section"
        );
    }
    // Exact outcome distribution: the frozen war (30%) has 5k..20k casualties.
    assert!(
        html.contains("#deal <b>25.0%</b> by 2027-12-31"),
        "the tag timeline's final value"
    );
    assert!(html.contains("Istanbul signing <code>signing</code>"));
    assert!(
        !html.contains("class=\"node fold\""),
        "a small tree is not folded"
    );
}

#[test]
fn html_escapes_labels_and_marks_decisions() {
    let html = eval(LAUNCH, &["--format", "html", "--samples", "1000"]);
    check_html(&html);
    assert!(html.contains("<title>Launch the &lt;beta&gt; | or wait for the audit?</title>"));
    assert!(html.contains("Critical &lt;bug&gt; found"));
    assert!(html.contains("Security audit plan &lt;v2&gt;"));
    assert!(html.contains("By Product &amp; security teams"));
    assert!(!html.contains("<bug>") && !html.contains("<beta>") && !html.contains("<v2>"));
    // The option taken, the one not taken, and the evidence.
    assert!(html.contains("class=\"node option chosen\""));
    assert!(html.contains("class=\"node option unchosen\""));
    assert!(html.contains("class=\"node branch ruled\""));
    assert!(html.contains("<section id=\"evidence\">") && html.contains("<code>not bug</code>"));
    assert!(html.contains("<section id=\"decisions\">") && html.contains("✔ chosen"));
}

#[test]
fn html_is_deterministic() {
    let args = ["--format", "html", "--samples", "500", "--seed", "3"];
    assert_eq!(eval(LAUNCH, &args), eval(LAUNCH, &args));
    let md = [
        "--format",
        "markdown",
        "--samples",
        "500",
        "--seed",
        "3",
        "--threads",
        "1",
    ];
    let md2 = [
        "--format",
        "markdown",
        "--samples",
        "500",
        "--seed",
        "3",
        "--threads",
        "2",
    ];
    assert_eq!(eval(LAUNCH, &md), eval(LAUNCH, &md2));
}

/// A full tree: `width` branches at each of `depth` levels, dated and tagged.
fn wide_tree(depth: usize, width: usize) -> String {
    fn level(s: &mut String, at: usize, depth: usize, width: usize) {
        for i in 0..width {
            let p = if i + 1 == width {
                "rest".to_owned()
            } else {
                format!("{}%", 100 / (width + 1))
            };
            s.push_str(&format!(
                "branch b{i} \"L{at} <{i}>\" p = {p} after 1mo #t{i} {{ cost += {i}\n"
            ));
            if at + 1 < depth {
                level(s, at + 1, depth, width);
            }
            s.push_str("}\n");
        }
    }
    let mut s = String::from(
        "scenario big \"Big\" {\n as_of 2026-01-01\n horizon 2030\n metric cost = 0\n",
    );
    level(&mut s, 0, depth, width);
    s.push_str(" forecast c = E(cost)\n}\n");
    s
}

#[test]
fn large_and_deep_trees_are_folded_and_stay_small() {
    let src = wide_tree(5, 5);
    assert!(
        scn_dsl::parse(&src, scn_dsl::FileId(0)).is_ok(),
        "the generator writes valid text:\n{src}"
    );
    let html = eval(&src, &["--format", "html"]);
    check_html(&html);
    assert!(
        html.contains("<strong>Folded:</strong>"),
        "a 3,906-node tree is folded"
    );
    assert!(html.len() < 200_000, "{} bytes", html.len());
    let md = eval(&src, &["--format", "markdown"]);
    assert!(
        md.contains("more paths hold"),
        "the paths table is cut short"
    );

    let depth = 400;
    let mut deep = String::from("scenario deep {\n as_of 2026-01-01\n metric x = 0\n");
    for i in 0..depth {
        deep.push_str(&format!("branch a{i} p = 99% {{ x += 1\n"));
    }
    for i in (0..depth).rev() {
        deep.push_str(&format!("}}\nbranch s{i} p = rest\n"));
    }
    deep.push_str("}\n");
    let html = eval(&deep, &["--format", "html"]);
    check_html(&html);
    assert!(
        html.contains("more …"),
        "a path hundreds of levels deep is elided"
    );
    assert!(html.len() < 200_000, "{} bytes", html.len());
}
