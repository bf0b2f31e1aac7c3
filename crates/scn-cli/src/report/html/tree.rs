//! The tree diagram: one box per node, root on the left, leaves stacked top to bottom in tree
//! order. Edges widen with path probability; options not taken and branches the evidence rules
//! out are greyed. A large or deep tree is folded to the nodes on its most probable paths, and
//! each group of folded children becomes one dashed box that says how much it hides.
//!
//! Layout is two loops over the pre-order arena (no recursion, whatever the depth): a forward
//! pass gives each visible leaf and fold its row, a reverse pass centres each parent on its
//! children.

use std::fmt::Write as _;

use scn_eval::model::{Node, NodeKind};

use super::{clip, esc, px};
use crate::report::{Report, num, pct};

const BOX_W: f64 = 224.0;
const BOX_H: f64 = 52.0;
const COL_W: f64 = 246.0;
const ROW_H: f64 = 62.0;
const MARGIN: f64 = 6.0;
/// Rows (leaves and folds) drawn: trees with more leaves are folded.
const MAX_ROWS: usize = 36;
/// Levels drawn below the root; deeper nodes are folded.
const MAX_DEPTH: u32 = 8;
/// Characters of a label that fit a box.
const LABEL_CHARS: usize = 28;

/// A node or a fold, in reading order.
enum Item {
    Node(usize),
    Fold(usize),
}

/// Children of `parent` left out of the drawing, shown as one box.
struct Fold {
    parent: usize,
    nodes: usize,
    prob: f64,
    row: f64,
}

pub(super) fn section(r: &Report<'_>, s: &mut String) {
    let nodes = &r.ev.model().nodes;
    let n = nodes.len();
    let keep = visible(r);

    // Forward pass: rows for leaves and folds. A node is closed once the scan leaves its
    // subtree, which is when its fold (after its visible children) gets a row.
    let mut row = vec![f64::NAN; n];
    let mut folds: Vec<Fold> = Vec::new();
    let mut rows = 0usize;
    let mut open: Vec<usize> = Vec::new();
    // Nodes and folds in reading order, for the outline.
    let mut order: Vec<Item> = Vec::new();
    let close = |k: usize, rows: &mut usize, folds: &mut Vec<Fold>, order: &mut Vec<Item>| {
        let hidden = nodes[k]
            .children
            .iter()
            .map(|&c| c as usize)
            .filter(|&c| !keep[c]);
        let (count, prob) = hidden.fold((0, 0.0), |(count, prob), c| {
            (
                count + nodes[c].subtree_end as usize - c,
                prob + r.prob(c as u32),
            )
        });
        if count > 0 {
            order.push(Item::Fold(folds.len()));
            folds.push(Fold {
                parent: k,
                nodes: count,
                prob,
                row: *rows as f64,
            });
            *rows += 1;
        }
    };
    for k in (0..n).filter(|&k| keep[k]) {
        while let Some(&top) = open.last() {
            if k < nodes[top].subtree_end as usize {
                break;
            }
            open.pop();
            close(top, &mut rows, &mut folds, &mut order);
        }
        order.push(Item::Node(k));
        if nodes[k].children.is_empty() {
            row[k] = rows as f64;
            rows += 1;
        } else {
            open.push(k);
        }
    }
    while let Some(top) = open.pop() {
        close(top, &mut rows, &mut folds, &mut order);
    }

    // Reverse pass: children come after their parent, so each parent sees all of them.
    let mut span = vec![(f64::INFINITY, f64::NEG_INFINITY); n];
    for f in &folds {
        span[f.parent] = (span[f.parent].0.min(f.row), span[f.parent].1.max(f.row));
    }
    for k in (0..n).rev().filter(|&k| keep[k]) {
        if row[k].is_nan() {
            row[k] = (span[k].0 + span[k].1) / 2.0;
        }
        let p = nodes[k].parent as usize;
        if k > 0 {
            span[p] = (span[p].0.min(row[k]), span[p].1.max(row[k]));
        }
    }

    let deepest = (0..n)
        .filter(|&k| keep[k])
        .map(|k| nodes[k].depth)
        .chain(folds.iter().map(|f| nodes[f.parent].depth + 1))
        .max()
        .unwrap_or(0);
    let width = 2.0 * MARGIN + f64::from(deepest) * COL_W + BOX_W;
    let height = 2.0 * MARGIN + rows.max(1) as f64 * ROW_H - (ROW_H - BOX_H);
    let x = |depth: u32| MARGIN + f64::from(depth) * COL_W;
    let y = |row: f64| MARGIN + row * ROW_H;

    s.push_str("<section id=\"tree\">\n<h2>Tree</h2>\n<div class=\"scroll tree-figure\">\n");
    let _ = writeln!(
        s,
        "<svg class=\"tree\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" \
         aria-label=\"The scenario tree\">",
        w = px(width),
        h = px(height)
    );
    // Edges first, so that boxes cover their ends.
    s.push_str("<g class=\"edges\">\n");
    for k in (1..n).filter(|&k| keep[k]) {
        let p = nodes[k].parent as usize;
        let class = state(r, k).unwrap_or("");
        edge(
            s,
            (x(nodes[p].depth) + BOX_W, y(row[p])),
            (x(nodes[k].depth), y(row[k])),
            r.prob(k as u32),
            class,
        );
    }
    for f in &folds {
        let d = nodes[f.parent].depth;
        edge(
            s,
            (x(d) + BOX_W, y(row[f.parent])),
            (x(d + 1), y(f.row)),
            f.prob,
            "folded",
        );
    }
    s.push_str("</g>\n");
    for k in (0..n).filter(|&k| keep[k]) {
        node_box(r, k, x(nodes[k].depth), y(row[k]), s);
    }
    for f in &folds {
        let (bx, by) = (x(nodes[f.parent].depth + 1), y(f.row));
        let what = if f.nodes == 1 {
            "1 more node".to_owned()
        } else {
            format!("{} more nodes", num(f.nodes as f64))
        };
        let _ = writeln!(
            s,
            "<g class=\"node fold\"><title>{what} folded: {} of the paths</title>\
             <rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\"/>\
             <text class=\"label\" x=\"{}\" y=\"{}\">+ {what}</text>\
             <text class=\"sub\" x=\"{}\" y=\"{}\">path {}</text></g>",
            pct(f.prob),
            px(bx),
            px(by),
            px(BOX_W),
            px(BOX_H),
            px(bx + 10.0),
            px(by + 21.0),
            px(bx + 10.0),
            px(by + 38.0),
            pct(f.prob)
        );
    }
    s.push_str("</svg>\n</div>\n");
    outline(r, &order, &folds, s);
    let given = if r.ev.evidence().is_some() {
        ", given the evidence"
    } else {
        ""
    };
    let _ = write!(
        s,
        "<p class=\"note\">Each node shows the probability of a branch given its parent (p) and of \
         the whole path to it (path{given}), then its date and tags. Edges widen with path \
         probability. ◆ marks a decision, ✓ the option it takes; options not taken are greyed."
    );
    let shown = keep.iter().filter(|&&k| k).count();
    if shown < n {
        let _ = write!(
            s,
            " <strong>Folded:</strong> {} of {} nodes are summarised in dashed boxes; the drawing \
             keeps the most probable branches, in at most {MAX_ROWS} rows and {MAX_DEPTH} levels.",
            num((n - shown) as f64),
            num(n as f64)
        );
    }
    s.push_str("</p>\n</section>\n");
}

/// Which nodes are drawn: all of a small tree; else the most probable nodes, taken in order
/// of path probability while the drawing stays within `MAX_ROWS` rows and `MAX_DEPTH` levels,
/// and the options of every drawn decision.
///
/// A parent is never less probable than its child, and ties go to the lower index, so the
/// order adds every node after its parent. Adding a node adds one row (the node, or the fold
/// of its children), and removes its parent's fold row when it was the last child folded.
fn visible(r: &Report<'_>) -> Vec<bool> {
    let nodes = &r.ev.model().nodes;
    let n = nodes.len();
    let deepest = nodes.iter().map(|x| x.depth).max().unwrap_or(0);
    if r.ev.leaves().len() <= MAX_ROWS && deepest <= MAX_DEPTH {
        return vec![true; n];
    }
    let mut order: Vec<usize> = (1..n).filter(|&k| nodes[k].depth <= MAX_DEPTH).collect();
    order.sort_by(|&a, &b| {
        r.prob(b as u32)
            .total_cmp(&r.prob(a as u32))
            .then(a.cmp(&b))
    });
    let mut keep = vec![false; n];
    keep[0] = true;
    let mut folded: Vec<usize> = nodes.iter().map(|x| x.children.len()).collect();
    let mut rows = 1;
    for k in order {
        let p = nodes[k].parent as usize;
        if !keep[p] {
            continue;
        }
        let grow = usize::from(folded[p] > 1);
        if rows + grow > MAX_ROWS {
            continue;
        }
        keep[k] = true;
        folded[p] -= 1;
        rows += grow;
    }
    // The options not taken have probability 0, so they come last; but they are the
    // alternatives a reader weighs, so a drawn decision shows them all.
    for k in 0..n {
        let node = &nodes[k];
        if keep[k] && node.depth < MAX_DEPTH && node.children.len() <= 12 && node.is_decision(nodes)
        {
            for &c in &node.children {
                keep[c as usize] = true;
            }
        }
    }
    keep
}

/// The CSS class of a greyed node, if it is one.
fn state(r: &Report<'_>, k: usize) -> Option<&'static str> {
    let node = &r.ev.model().nodes[k];
    if node.kind == NodeKind::Option && r.ev.node(k as u32).cond == 0.0 {
        Some("unchosen")
    } else if r.prob(k as u32) == 0.0 && r.ev.node(k as u32).prior > 0.0 {
        Some("ruled")
    } else if r.ev.node(k as u32).prior == 0.0 && k > 0 {
        Some("unchosen")
    } else {
        None
    }
}

fn edge(s: &mut String, from: (f64, f64), to: (f64, f64), prob: f64, class: &str) {
    let (x1, y1) = (from.0, from.1 + BOX_H / 2.0);
    let (x2, y2) = (to.0, to.1 + BOX_H / 2.0);
    let mid = (x1 + x2) / 2.0;
    let _ = writeln!(
        s,
        "<path class=\"edge {class}\" d=\"M{} {} C{} {} {} {} {} {}\" stroke-width=\"{}\"/>",
        px(x1),
        px(y1),
        px(mid),
        px(y1),
        px(mid),
        px(y2),
        px(x2),
        px(y2),
        px(1.5 + 14.0 * prob.clamp(0.0, 1.0))
    );
}

/// What a node shows, in the drawing and in the outline alike.
struct Desc {
    classes: String,
    label: String,
    sub: String,
    extra: String,
    tip: String,
}

fn describe(r: &Report<'_>, k: usize) -> Desc {
    let model = &r.ev.model();
    let node: &Node = &model.nodes[k];
    let decision = node.is_decision(&model.nodes);
    let greyed = state(r, k);
    let mut classes = vec!["node", kind_class(node.kind)];
    classes.extend(greyed);
    if decision {
        classes.push("decision");
    }
    let chosen = node.kind == NodeKind::Option && greyed.is_none();
    if chosen {
        classes.push("chosen");
    }

    let mut label = if k == 0 {
        "Now".to_owned()
    } else {
        node.label().to_owned()
    };
    if decision {
        label = format!("◆ {label}");
    }
    if chosen {
        label = format!("✓ {label}");
    }
    let prob = pct(r.prob(k as u32));
    let sub = match (node.kind, greyed) {
        (NodeKind::Root, _) => node
            .date
            .map_or_else(|| "the start".to_owned(), |d| format!("as of {d}")),
        (NodeKind::Option, Some("unchosen")) => "option not taken".to_owned(),
        (NodeKind::Option, _) => format!("chosen · path {prob}"),
        (_, Some("ruled")) => format!("p {} · ruled out", pct(r.ev.node(k as u32).cond)),
        _ => format!("p {} · path {prob}", pct(r.ev.node(k as u32).cond)),
    };
    let mut extra: Vec<String> = Vec::new();
    if k > 0
        && let Some(d) = node.date
    {
        extra.push(d.to_string());
    }
    extra.extend(
        node.tags
            .iter()
            .map(|&t| format!("#{}", model.tags[t as usize])),
    );
    let extra = extra.join(" ");

    let mut tip = if k == 0 {
        model.meta.title.clone()
    } else {
        format!("{} ({})", node.label(), model.path_of(k as u32))
    };
    if k > 0 {
        let _ = write!(tip, "\np {} · path {prob}", pct(r.ev.node(k as u32).cond));
    }
    if !extra.is_empty() {
        let _ = write!(tip, "\n{extra}");
    }
    for &c in &node.cites {
        let _ = write!(tip, "\nsource: {}", model.sources[c as usize].text);
    }
    for note in &node.notes {
        let _ = write!(tip, "\nnote: {note}");
    }
    Desc {
        classes: classes.join(" "),
        label,
        sub,
        extra,
        tip,
    }
}

fn node_box(r: &Report<'_>, k: usize, bx: f64, by: f64, s: &mut String) {
    let d = describe(r, k);
    let _ = writeln!(
        s,
        "<g class=\"{}\"><title>{}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\"/>\
         <text class=\"label\" x=\"{}\" y=\"{}\">{}</text><text class=\"sub\" x=\"{}\" y=\"{}\">{}</text>\
         <text class=\"sub\" x=\"{}\" y=\"{}\">{}</text></g>",
        d.classes,
        esc(&d.tip),
        px(bx),
        px(by),
        px(BOX_W),
        px(BOX_H),
        px(bx + 10.0),
        px(by + 18.0),
        esc(&clip(&d.label, LABEL_CHARS)),
        px(bx + 10.0),
        px(by + 33.0),
        esc(&d.sub),
        px(bx + 10.0),
        px(by + 46.0),
        esc(&clip(&d.extra, LABEL_CHARS + 6)),
    );
}

/// The same nodes as nested lists, shown instead of the drawing on a narrow screen, where a
/// drawing wide enough to read would need scrolling both ways.
fn outline(r: &Report<'_>, order: &[Item], folds: &[Fold], s: &mut String) {
    let nodes = &r.ev.model().nodes;
    s.push_str("<div class=\"outline\">\n");
    // Pre-order goes at most one level deeper at a time; `open` counts the open lists.
    let mut open = 0;
    for item in order {
        let (depth, class, body) = match *item {
            Item::Node(k) => {
                let d = describe(r, k);
                let mut body = format!("<b>{}</b> <span>{}</span>", esc(&d.label), esc(&d.sub));
                if !d.extra.is_empty() {
                    let _ = write!(body, " <span class=\"muted\">{}</span>", esc(&d.extra));
                }
                (nodes[k].depth, d.classes, body)
            }
            Item::Fold(f) => {
                let f = &folds[f];
                let body = format!(
                    "+ {} more nodes <span>path {}</span>",
                    num(f.nodes as f64),
                    pct(f.prob)
                );
                (nodes[f.parent].depth + 1, "node fold".to_owned(), body)
            }
        };
        let level = depth + 1;
        if level > open {
            s.push_str("<ul>");
            open += 1;
        } else {
            s.push_str("</li>");
            while open > level {
                s.push_str("</ul></li>");
                open -= 1;
            }
        }
        let _ = write!(s, "\n<li class=\"{class}\">{body}");
    }
    if open > 0 {
        s.push_str("</li>");
        for _ in 1..open {
            s.push_str("</ul></li>");
        }
        s.push_str("</ul>");
    }
    s.push_str("\n</div>\n");
}

fn kind_class(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Root => "root",
        NodeKind::Branch => "branch",
        NodeKind::Option => "option",
    }
}
