//! The tree as nested lists: one line per node with its label (wrapped, never cut), its
//! probability given its parent and of its whole path, its date and tags. It fits any width,
//! a phone's included. A node with children is a `<details>` element, so a reader can fold
//! it without script: deep or improbable subtrees start folded, and their line says how many
//! nodes they hold. A tree too large for a page shows its most probable nodes, each group of
//! children left out summed up on a line of its own.

use std::fmt::Write as _;

use super::{esc, pbar};
use crate::report::model::tree::{Item, State, Tree, TreeNode};
use crate::report::number::{Numbers, exact};
use scn_eval::model::NodeKind;

/// Rows (leaves and folds) shown; a larger tree is cut to its most probable nodes.
const ROWS: usize = 150;
/// Levels shown below the root.
const DEPTH: u32 = 16;
/// Subtrees start open down to this depth…
const OPEN_DEPTH: u32 = 4;
/// …when their path is at least this probable (the first level is always open).
const OPEN_PROBABILITY: f64 = 0.05;

pub(super) fn section(t: &Tree<'_>, n: Numbers, s: &mut String) {
    s.push_str("<section id=\"tree\">\n<h2>Tree</h2>\n");
    let given = if t.evidence {
        ", given the evidence"
    } else {
        ""
    };
    let _ = writeln!(
        s,
        "<p class=\"note\">Each node shows the probability of a branch given its parent (p) and of \
         the whole path to it (path{given}), then its date and tags. ◆ marks a decision, ✓ the \
         option it takes; options not taken are greyed. Subtrees below {} of the paths, or deeper \
         than {OPEN_DEPTH} levels, start folded: open them with ▸.</p>",
        esc(&n.prob(OPEN_PROBABILITY))
    );
    let sel = t.select(ROWS, DEPTH);
    let root = t.node(0);
    let _ = writeln!(
        s,
        "<p class=\"tree-root\"><b>Now</b>{}</p>",
        root.date
            .map(|d| format!(" <span class=\"muted\">as of {d}</span>"))
            .unwrap_or_default()
    );
    s.push_str("<ul class=\"tree\">\n");
    // Levels whose `<details>` is open in the markup, innermost last.
    let mut open: Vec<u32> = Vec::new();
    let depth_of = |item: &Item| match item {
        Item::Node(k) => t.node(*k).depth,
        Item::Fold(f) => f.depth,
    };
    let items: Vec<&Item> = sel
        .items
        .iter()
        .filter(|i| !matches!(i, Item::Node(0)))
        .collect();
    for (i, item) in items.iter().enumerate() {
        let depth = depth_of(item);
        while open.last().is_some_and(|&d| d >= depth) {
            open.pop();
            s.push_str("</ul></details></li>\n");
        }
        match item {
            Item::Node(k) => {
                let node = t.node(*k);
                let has_children = items.get(i + 1).is_some_and(|next| depth_of(next) > depth);
                if has_children {
                    let start_open =
                        depth <= 1 || (depth <= OPEN_DEPTH && node.probability >= OPEN_PROBABILITY);
                    let _ = writeln!(
                        s,
                        "<li><details{}><summary class=\"{}\"{}>{}</summary><ul>",
                        if start_open { " open" } else { "" },
                        classes(&node),
                        tip(&node),
                        row(&node, n, true)
                    );
                    open.push(depth);
                } else {
                    let _ = writeln!(
                        s,
                        "<li><div class=\"{}\"{}>{}</div></li>",
                        classes(&node),
                        tip(&node),
                        row(&node, n, false)
                    );
                }
            }
            Item::Fold(f) => {
                let _ = writeln!(
                    s,
                    "<li><div class=\"tn fold\"><span class=\"tn-label\">+ {} more {} not shown</span>\
                     <span class=\"tn-nums\">{}path {}</span></div></li>",
                    exact(f.nodes as f64),
                    if f.nodes == 1 { "node" } else { "nodes" },
                    pbar(f.probability),
                    esc(&n.prob(f.probability))
                );
            }
        }
    }
    while open.pop().is_some() {
        s.push_str("</ul></details></li>\n");
    }
    s.push_str("</ul>\n");
    if sel.hidden > 0 {
        let _ = writeln!(
            s,
            "<p class=\"note\"><strong>Not shown:</strong> {} of {} nodes, in the “more nodes” \
             lines: the tree keeps its most probable branches, in at most {ROWS} rows and {DEPTH} \
             levels; <code>--format json</code> lists every path.</p>",
            exact(sel.hidden as f64),
            exact(sel.total as f64)
        );
    }
    s.push_str("</section>\n");
}

fn classes(node: &TreeNode<'_>) -> String {
    let mut c = vec!["tn"];
    c.push(match node.state {
        State::Open => "",
        State::Chosen => "chosen",
        State::Unchosen => "unchosen",
        State::RuledOut => "ruled",
    });
    if node.decision {
        c.push("decision");
    }
    c.retain(|x| !x.is_empty());
    c.join(" ")
}

/// The node's path, notes and sources, shown on hover.
fn tip(node: &TreeNode<'_>) -> String {
    let mut tip = node.path.clone();
    for c in &node.cites {
        let _ = write!(tip, "\nsource: {c}");
    }
    for note in node.notes {
        let _ = write!(tip, "\nnote: {note}");
    }
    format!(" title=\"{}\"", esc(&tip))
}

fn row(node: &TreeNode<'_>, n: Numbers, folds: bool) -> String {
    let mut label = esc(node.label);
    if node.decision {
        label = format!("◆ {label}");
    }
    if node.state == State::Chosen {
        label = format!("✓ {label}");
    }
    let nums = match (node.kind, node.state) {
        (NodeKind::Option, State::Chosen) => {
            format!("chosen · path {}", esc(&n.prob(node.probability)))
        }
        (NodeKind::Option, _) => "option not taken".to_owned(),
        (_, State::RuledOut) => format!("p {} · ruled out", esc(&n.prob(node.cond))),
        _ => format!(
            "p {} · path {}",
            esc(&n.prob(node.cond)),
            esc(&n.prob(node.probability))
        ),
    };
    let mut meta: Vec<String> = node.date.iter().map(ToString::to_string).collect();
    meta.extend(node.tags.iter().map(|t| format!("#{}", esc(t))));
    let mut out = format!(
        "<span class=\"tn-label\">{label} <code class=\"id\">{}</code></span>\
         <span class=\"tn-nums\">{}{nums}</span>",
        esc(node.id),
        pbar(node.probability)
    );
    if !meta.is_empty() {
        let _ = write!(out, "<span class=\"tn-meta\">{}</span>", meta.join(" "));
    }
    if folds {
        let _ = write!(
            out,
            "<span class=\"tn-folded\">+ {} {} folded</span>",
            exact(node.descendants as f64),
            if node.descendants == 1 {
                "node"
            } else {
                "nodes"
            }
        );
    }
    out
}
