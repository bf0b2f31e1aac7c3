//! The Markdown and HTML reports: Markdown is snapshot-tested; HTML is checked for structure
//! (balanced tags, nothing fetched, text escaped, deterministic) because its bytes are layout,
//! not content. `html_chromium.rs` looks at the HTML in a real browser.

use scn_cli::{Exit, Io};

const SPEC_EXAMPLE: &str = include_str!("../fixtures/valid/spec-example.scn");
const LAUNCH: &str = include_str!("../fixtures/reports/launch.scn");
const UKRAINE: &str = include_str!("../../scenarios/ukraine/peace-talks-2025.scn");

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
        "timeline, 2 histograms and interval bars"
    );
    for section in [
        "bottom-line",
        "forecasts",
        "assumptions",
        "tree",
        "timeline",
        "paths",
        "metrics",
        "expectations",
        "sources",
    ] {
        assert!(
            html.contains(&format!("<section id=\"{section}\"")),
            "no {section} section"
        );
    }
    // Exact outcome distribution: the frozen war (30%) has 5k..20k casualties.
    assert!(
        html.contains("#deal <b>25%</b> by 2027-12-31"),
        "the tag timeline's final value"
    );
    assert!(html.contains("Istanbul signing <code>signing</code>"));
    assert!(
        !html.contains("class=\"tn fold\""),
        "a small tree shows every node"
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
    assert!(html.contains("class=\"tn chosen\""));
    assert!(html.contains("class=\"tn unchosen\""));
    assert!(html.contains("class=\"tn ruled\""));
    assert!(html.contains("<section id=\"evidence\">") && html.contains("<code>not bug</code>"));
    assert!(
        html.contains("<section id=\"decisions\">")
            && html
                .contains("<tr class=\"chosen\"><td class=\"title\">✔ Ship now <code>ship</code>")
    );
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
        html.contains("<strong>Not shown:</strong>") && html.contains("more nodes not shown"),
        "a 3,906-node tree shows its most probable nodes and says what it leaves out"
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

/// The sections of a report for people, as their headings, in order.
fn headings(report: &str, prefix: &str) -> Vec<String> {
    report
        .lines()
        .filter_map(|l| l.strip_prefix(prefix))
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_report_for_people_opens_with_the_bottom_line_and_ends_with_the_checks() {
    let text = eval(UKRAINE, &[]);
    let lines: Vec<&str> = text.lines().collect();
    // Title, dates, a four-line description, then the bottom line.
    let bottom = lines
        .iter()
        .position(|l| *l == "Bottom line")
        .expect("a bottom line");
    assert!(bottom <= 8, "the bottom line comes first:\n{text}");
    assert!(lines[bottom + 1].contains("10%") && lines[bottom + 1].contains("very unlikely"));
    let sources = lines.iter().position(|l| *l == "Sources").expect("sources");
    let checks = lines
        .iter()
        .position(|l| l.starts_with("Expectations (the author's checks): 41 hold, 0 fail"))
        .expect("expectations");
    assert!(checks > sources, "the checks come last");

    let md = eval(UKRAINE, &["--format", "markdown"]);
    let h = headings(&md, "## ");
    assert_eq!(h.first().map(String::as_str), Some("Bottom line"));
    assert_eq!(h.last().map(String::as_str), Some("Expectations"));
    for section in ["Assumptions", "Tree"] {
        assert!(h.iter().any(|x| x == section), "no {section} in {h:?}");
    }

    let html = eval(UKRAINE, &["--format", "html"]);
    let first = html.find("<section").expect("sections");
    assert!(html[first..].starts_with("<section id=\"bottom-line\""));
    let last = html.rfind("<section").expect("sections");
    assert!(
        html[last..].starts_with("<section id=\"expectations\">\n<details>"),
        "folded, last"
    );
}

#[test]
fn numbers_for_people_have_few_digits_and_units_in_headers() {
    let text = eval(UKRAINE, &[]);
    // 0.1989 (korea_freeze = 0.19889824) and 31,520.8 (casualties_jan_peace) would be false
    // precision. (The author's checks, last, show the digits their bounds are written with.)
    let report = &text[..text.find("\nExpectations").expect("the checks")];
    assert!(
        !report.contains("0.1989") && !report.contains("31,521"),
        "{report}"
    );
    assert!(text.contains("19.9%") && text.contains("31,500"));
    let md = eval(UKRAINE, &["--format", "markdown"]);
    // The unit of a metric is said once, in the paths table's header.
    let paths = &md[md.find("## Most likely paths").expect("paths")..];
    let paths = &paths[..paths[3..].find("\n## ").expect("next section") + 3];
    assert_eq!(paths.matches("% of 1991 territory").count(), 1, "{paths}");
    // The precision flag changes every figure for people, and JSON keeps every digit.
    let precise = eval(UKRAINE, &["--precision", "5"]);
    assert!(
        precise.contains("19.89%") && precise.contains("31,521"),
        "{precise}"
    );
    let json = eval(UKRAINE, &["--format", "json", "--precision", "1"]);
    assert!(json.contains("0.19889823528"), "JSON keeps full precision");
}

#[test]
fn markdown_has_the_tree_and_the_assumptions() {
    let md = eval(UKRAINE, &["--format", "markdown"]);
    // A nested list with probabilities and dates.
    assert!(
        md.contains(
            "- **January 2026 Istanbul signing** `signing` — 10% · path 10% · 2026-01-31 · \\#deal"
        ),
        "{md}"
    );
    assert!(md.contains(
        "  - **Freeze on current lines (\\~18%)** `current_lines` — 55% · path 5.5% · 2026-01-31"
    ), "{md}");
    // Every scenario let, with its documentation, as written, and its 90% interval: beta(2,
    // 18) has mean 0.1 and 5th and 95th percentiles 0.019 and 0.226.
    // Its sources (`let … cite`) follow the documentation.
    let p_sign = md
        .lines()
        .find(|l| l.starts_with("| `p_sign` | Framework signed in Istanbul in January 2026"))
        .unwrap_or_else(|| panic!("no p_sign row in {md}"));
    assert!(
        p_sign.ends_with(
            "(sources: `moscow`, `istanbul`, `demands`, `red_line`, `leverage`) \
             | `beta(2, 18)` | mean 0.1 | 0.019 – 0.226 |"
        ),
        "{p_sign}"
    );
    // normal(673k, 151k): 673,000 ∓ 1.6449 × 151,000 = 424,625 and 921,375.
    assert!(md.contains("| `ru_losses` |") && md.contains("| mean 673,000 | 425,000 – 921,000 |"));
    // `fighting` 68 uses × 2 + `talks` 2 × 1 + `deal` 7 × 1 + `guarantee` 15 × 1 +
    // `implement` 45 × 3 = 136 + 2 + 7 + 15 + 135 = 295. Fighting: 1 signing + 7 breakdown +
    // 3 drift + 6 in each `talks` + 1 relapse in each of the 45 `implement`s (7 deals × 2
    // territories + the imposed deal = 15 `guarantee`s, × 3 guarantees each).
    assert!(md.contains("Not listed: 295 template parameters"), "{md}");
}

#[test]
fn html_draws_every_label_whole_and_names_what_it_leaves_out() {
    let html = eval(UKRAINE, &["--format", "html"]);
    check_html(&html);
    // Every branch label of the scenario is in the tree, whole.
    for line in UKRAINE.lines() {
        let line = line.trim_start();
        if let Some(rest) = line.strip_prefix("branch ") {
            let label = rest.split('"').nth(1).expect("a label");
            let shown = format!("<span class=\"tn-label\">{}", label.replace('&', "&amp;"));
            assert!(
                html.contains(&shown)
                    || html.contains(&format!("<span class=\"tn-label\">◆ {label}")),
                "{label} is not in the tree whole"
            );
        }
    }
    assert!(
        !html.contains("…</text>") && !html.contains("…</span>"),
        "a label cut short"
    );
    // Sixteen tags, eight drawn: those forecasts ask about first; the others named.
    assert!(
        html.contains("8 of 16 tags drawn"),
        "the cap on tags is said"
    );
    assert!(
        html.contains("#frozen <b>"),
        "#frozen, which a headline forecast asks about, is drawn"
    );
    assert!(html.contains(
        "Not drawn: #quiet, #relapse, #art5, #unsc, #donbas, #escalation, #breakdown, #current_lines"
    ));
    assert!(
        html.contains("12 of 203 dated branches drawn"),
        "the cap on stems is said"
    );
}

// ---- the analyses: `scn sens`, `scn voi` and `scn diff` in Markdown and HTML ----

const WILDCATTER: &str = "../scenarios/decision/oil-wildcatter.scn";
const UKRAINE_FILE: &str = "../scenarios/ukraine/peace-talks-2025.scn";

/// Runs `scn ARGS...` in-process (the working directory is the `tests` folder) with `stdin`;
/// fails unless it exits 0 with nothing on standard error.
fn scn(args: &[&str], stdin: &str) -> String {
    let stdin = stdin.to_owned();
    let args: Vec<String> = std::iter::once("scn")
        .chain(args.iter().copied())
        .map(str::to_owned)
        .collect();
    let worker = std::thread::Builder::new()
        .stack_size(scn_dsl::LARGE_STACK)
        .spawn(move || {
            let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
            let mut input = stdin.as_bytes();
            let code = scn_cli::run(
                &args,
                &mut Io {
                    stdin: &mut input,
                    stdout: &mut stdout,
                    stderr: &mut stderr,
                },
            );
            (
                code,
                String::from_utf8(stdout).expect("UTF-8 output"),
                String::from_utf8_lossy(&stderr).into_owned(),
            )
        });
    let (code, out, err) = worker.expect("spawn").join().expect("no panic");
    assert_eq!(code, Exit::Ok, "{err}");
    assert_eq!(err, "", "nothing on standard error");
    out
}

/// An analysis page: well formed, self-contained, and every chart coordinate a number.
#[track_caller]
fn check_analysis_html(html: &str) -> Vec<String> {
    let tags = check_html(html);
    for key in [
        "x", "y", "x1", "x2", "y1", "y2", "width", "height", "cx", "cy",
    ] {
        for v in attribute_values(html, key) {
            let n: f64 = v
                .parse()
                .unwrap_or_else(|_| panic!("{key}=\"{v}\" is not a number"));
            assert!(n.is_finite(), "{key}=\"{v}\"");
        }
    }
    for points in attribute_values(html, "points") {
        for xy in points.split(' ') {
            for v in xy.split(',') {
                assert!(
                    v.parse::<f64>().is_ok_and(f64::is_finite),
                    "a point {xy} in {points}"
                );
            }
        }
    }
    tags
}

#[test]
fn sens_in_markdown_and_html() {
    for (name, file) in [("wildcatter", WILDCATTER), ("ukraine", UKRAINE_FILE)] {
        let md = scn(&["sens", file, "--format", "markdown"], "");
        insta::assert_snapshot!(format!("sens_{name}_markdown"), md);
        let html = scn(&["sens", file, "--format", "html"], "");
        let tags = check_analysis_html(&html);
        insta::assert_snapshot!(format!("sens_{name}_html"), html);
        // A tornado chart for every target that some input moves.
        let moved = md.matches("\n## Tornado: ").count() - md.matches("No input moves it.").count();
        assert!(
            tags.iter().filter(|t| *t == "svg").count() >= moved,
            "a tornado per target"
        );
        assert!(html.contains("class=\"lo\"") && html.contains("class=\"hi\""));
        assert!(html.contains("<polyline class=\"series c0\""), "a spider");
    }
    // The wildcatter's decisions: thresholds, and risk profiles drawn as distributions with
    // the dominance the analysis finds.
    let html = scn(&["sens", WILDCATTER, "--format", "html"], "");
    assert!(html.contains("<section id=\"thresholds\">"));
    assert!(html.contains("<section id=\"risk\">"));
    assert!(html.contains("Cumulative distribution of the objective"));
}

#[test]
fn sens_html_with_global_shares_and_all_inputs() {
    let md = scn(
        &[
            "sens",
            WILDCATTER,
            "--format",
            "markdown",
            "--samples",
            "2000",
            "--seed",
            "3",
            "--top",
            "0",
        ],
        "",
    );
    assert!(md.contains("\n## Global sensitivity\n"), "{md}");
    let html = scn(
        &[
            "sens",
            WILDCATTER,
            "--format",
            "html",
            "--samples",
            "2000",
            "--seed",
            "3",
        ],
        "",
    );
    check_analysis_html(&html);
    assert!(html.contains("<section id=\"global\">"));
}

#[test]
fn sens_charts_of_a_tree_no_input_moves() {
    // Nothing moves the forecast: no bar, no spider, and still a valid page.
    let src = "scenario still {\n  let k = 3\n  branch a p = 0.5\n  branch b p = rest\n  forecast one = 1 + 0 * k\n}\n";
    let html = scn(&["sens", "-", "--format", "html"], src);
    balanced(&html).unwrap_or_else(|e| panic!("unbalanced HTML: {e}"));
    assert!(!html.contains("<svg"), "no chart without a bar");
    assert!(html.contains("No input moves it."), "{html}");
    let md = scn(&["sens", "-", "--format", "markdown"], src);
    assert!(md.contains("No input moves it."), "{md}");
}

#[test]
fn voi_in_markdown_and_html() {
    let know = [
        "voi",
        WILDCATTER,
        "--decision",
        "no_test",
        "--know",
        "#dry",
        "--know",
        "#wet",
        "--know",
        "#soak",
    ];
    for (format, name) in [
        ("markdown", "voi_wildcatter_markdown"),
        ("html", "voi_wildcatter_html"),
    ] {
        let mut args = know.to_vec();
        args.extend(["--format", format]);
        let out = scn(&args, "");
        if format == "html" {
            check_analysis_html(&out);
        }
        insta::assert_snapshot!(name, out);
    }
    // By hand (tests/tests/voi.rs): 20 without, 55 with, EVPI 35.
    let md = scn(&[&know[..], &["--format", "markdown"]].concat(), "");
    assert!(
        md.contains("| **EVPI** (expected value of perfect information) | **35** |"),
        "{md}"
    );
    for (format, name) in [
        ("markdown", "voi_wildcatter_samples_markdown"),
        ("html", "voi_wildcatter_samples_html"),
    ] {
        let out = scn(
            &[
                "voi",
                WILDCATTER,
                "--decision",
                "no_test",
                "--samples",
                "4000",
                "--seed",
                "1",
                "--format",
                format,
            ],
            "",
        );
        if format == "html" {
            check_analysis_html(&out);
            assert!(out.contains("EVPPI of each let") || out.contains("No let varies"));
        }
        insta::assert_snapshot!(name, out);
    }
}

/// The Ukraine scenario revised: signing likelier, a deal's guarantee less likely to be
/// American, and a branch's label edited.
fn ukraine_revised() -> String {
    let src = std::fs::read_to_string(UKRAINE_FILE).expect("the Ukraine scenario");
    let revised = src
        .replace("let p_sign = beta(2, 18)", "let p_sign = beta(3, 17)")
        .replace("let p_art5 = beta(4, 6)", "let p_art5 = beta(3, 7)")
        .replace(
            "\"January 2026 Istanbul signing\"",
            "\"Istanbul signing, January 2026\"",
        );
    assert_ne!(src, revised, "the revision applies");
    revised
}

#[test]
fn diff_in_markdown_and_html() {
    let (v1, v2) = ("fixtures/diff/launch-v1.scn", "fixtures/diff/launch-v2.scn");
    let md = scn(&["diff", v1, v2, "--format", "markdown"], "");
    insta::assert_snapshot!("diff_launch_markdown", md);
    let html = scn(&["diff", v1, v2, "--format", "html"], "");
    check_analysis_html(&html);
    assert!(html.contains("class=\"up\"") || html.contains("class=\"down\""));
    insta::assert_snapshot!("diff_launch_html", html);

    // The old version on standard input, the library's file as the new one.
    let old = ukraine_revised();
    let md = scn(&["diff", "-", UKRAINE_FILE, "--format", "markdown"], &old);
    insta::assert_snapshot!("diff_ukraine_markdown", md);
    let html = scn(&["diff", "-", UKRAINE_FILE, "--format", "html"], &old);
    check_analysis_html(&html);
    insta::assert_snapshot!("diff_ukraine_html", html);
    let sampled = scn(
        &[
            "diff",
            "-",
            UKRAINE_FILE,
            "--format",
            "html",
            "--samples",
            "2000",
            "--seed",
            "1",
        ],
        &old,
    );
    check_analysis_html(&sampled);
    assert!(sampled.contains("<section id=\"sampled\">"));
    let md = scn(
        &[
            "diff",
            v1,
            v2,
            "--format",
            "markdown",
            "--samples",
            "2000",
            "--seed",
            "1",
        ],
        "",
    );
    assert!(md.contains("## Sampled means"), "{md}");
    insta::assert_snapshot!("diff_launch_markdown_sampled", md);
}

#[test]
fn eval_names_what_drives_each_headline_forecast() {
    // E(m) = p (gain + 0.25 · 40) − cost − (1 − p) · 11, 5.3 at the means. Moving one input
    // across its range, the others at their means:
    //   p ± 10 points: 0.2 → 22 − 20 − 8.8 = −6.8; 0.4 → 44 − 20 − 6.6 = 17.4; swing 24.2
    //   cost uniform(10, 30), 5th..95th percentile 11..29: 14.3 .. −3.7; swing 18
    //   gain ± 20%: 80 → 27 − 27.7 = −0.7; 120 → 39 − 27.7 = 11.3; swing 12
    let src = r#"
scenario small {
  let p = 0.3
  let gain = 100
  let cost = uniform(10, 30)
  metric m = 0
  branch win p = p {
    m += gain - cost
    branch big p = 0.25 { m += 40 }
    branch modest p = rest
  }
  branch lose p = rest {
    m -= cost
    branch a p = 0.5 { m -= 10 }
    branch b p = 0.3 { m -= 20 }
    branch c p = 0.2
  }
  forecast ev = E(m)
}
"#;
    let json: serde_json::Value =
        serde_json::from_str(&eval(src, &["--format", "json"])).expect("JSON");
    let d = &json["drivers"]["forecasts"][0];
    assert_eq!(d["forecast"], "ev");
    let want = [
        ("p", 0.2, 0.4, -6.8, 17.4, 24.2),
        ("cost", 11.0, 29.0, 14.3, -3.7, 18.0),
        ("gain", 80.0, 120.0, -0.7, 11.3, 12.0),
    ];
    let got = d["drivers"].as_array().expect("drivers");
    assert_eq!(got.len(), 3);
    for (g, (name, lo, hi, vlo, vhi, swing)) in got.iter().zip(want) {
        assert_eq!(g["input"], name);
        for (key, v) in [
            ("low", lo),
            ("high", hi),
            ("value_low", vlo),
            ("value_high", vhi),
            ("swing", swing),
        ] {
            let x = g[key].as_f64().unwrap();
            assert!((x - v).abs() < 1e-9, "{name} {key}: {x}, want {v}");
        }
    }
    let text = eval(src, &[]);
    assert!(text.contains("\nWhat drives this\n  ev = 5.3\n"), "{text}");
    assert!(
        text.contains("p: ev from -6.8 to 17.4"),
        "the bottom line: {text}"
    );
    let md = eval(src, &["--format", "markdown"]);
    assert!(
        md.contains("| `ev` = 5.3 | `p` | 20% → 40% | -6.8 → 17.4 | 24.2 |"),
        "{md}"
    );
    let html = eval(src, &["--format", "html"]);
    assert!(html.contains("<section id=\"drivers\">"), "{html}");
    // After the bottom line, before the forecasts.
    let (b, d, f) = (
        html.find("id=\"bottom-line\"").unwrap(),
        html.find("id=\"drivers\"").unwrap(),
        html.find("id=\"forecasts\"").unwrap(),
    );
    assert!(b < d && d < f);
}
