//! The resolved scenario: a flat arena tree with compiled expressions.
//!
//! Nodes are stored in pre-order, so a node's descendants are exactly the indices
//! `node + 1 .. subtree_end`, every parent comes before its children, and a reverse scan
//! visits children before parents. Every pass over the tree is a loop over this array: no
//! recursion, whatever the depth.

use scn_dsl::ast::{Direction, EffectOp};
use scn_dsl::{Date, Duration, FileId, Span};

use crate::program::{ConstDist, Program};

/// Index of a node; the root is 0.
pub type NodeId = u32;

/// A resolved scenario, ready to evaluate.
#[derive(Clone, Debug)]
pub struct Model {
    /// Id, title and dates.
    pub meta: Meta,
    /// Lets in evaluation order: the scenario's, then one per template parameter per `use`.
    pub lets: Vec<LetDef>,
    /// Metrics in declaration order.
    pub metrics: Vec<MetricDef>,
    /// What decisions optimise.
    pub objective: Option<(Direction, u32)>,
    /// Citations.
    pub sources: Vec<SourceDef>,
    /// The tree in pre-order; `nodes[0]` is the root.
    pub nodes: Vec<Node>,
    /// Tag names; nodes refer to them by index.
    pub tags: Vec<String>,
    /// Events, referenced by queries and evidence.
    pub events: Vec<EventNode>,
    /// Queries, referenced by forecast and expect programs.
    pub(crate) queries: Vec<Query>,
    /// Evidence: the tree is conditioned on all of these.
    pub observe: Vec<EventRef>,
    /// How many of `observe` came from the command line (`--given`), not the file.
    pub given: usize,
    /// Named forecasts in order.
    pub forecasts: Vec<ForecastDef>,
    /// Assertions in order.
    pub expects: Vec<ExpectDef>,
    /// Warnings found while resolving (the model is valid): diagnostics of severity warning,
    /// for `scn check` and the reports to print.
    pub warnings: Vec<scn_dsl::Diagnostic>,
    /// How many inline distributions with computed parameters the model draws from.
    pub(crate) dist_sites: u32,
    /// Distributions whose parameters are constants.
    pub(crate) const_dists: Vec<ConstDist>,
    /// Every node's children, node after node in pre-order (see [`Model::children`]).
    pub(crate) child_ids: Vec<NodeId>,
    /// Every node's effects, node after node in pre-order (see [`Model::effects_of`]).
    pub(crate) effects: Vec<EffectDef>,
    /// The nodes spliced in from a template, in node order, each with its `use` (the
    /// innermost): see [`Model::use_site`]. Few nodes have one, so it is not a field of each.
    pub(crate) use_sites: Vec<(NodeId, FileId, Span)>,
    /// Most runs of leaves the events' sets may hold together: [`RANGES_PER_NODE`] per unit
    /// of the node budget (`--max-nodes`).
    pub(crate) max_ranges: u64,
}

/// Runs of leaves the events' sets may hold per unit of the node budget: 8 bytes each, so
/// the sets stay within a few times what the tree itself may take.
pub(crate) const RANGES_PER_NODE: u64 = 4;

/// Scenario metadata.
#[derive(Clone, Debug, Default)]
pub struct Meta {
    /// The scenario's id.
    pub id: String,
    /// Its title, defaulting to the id.
    pub title: String,
    /// `author`.
    pub author: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `as_of`: the root's date.
    pub as_of: Option<Date>,
    /// `horizon`.
    pub horizon: Option<Date>,
    /// `note "..."` items written at scenario level, in order.
    pub notes: Vec<String>,
    /// The file holding the scenario.
    pub file: FileId,
    /// The scenario's id in that file.
    pub span: Span,
}

/// A let: a scenario parameter, or a template parameter bound by one `use`.
#[derive(Clone, Debug)]
pub struct LetDef {
    /// Its name (for a parameter, `template.param`).
    pub name: String,
    /// What it means.
    pub doc: Option<String>,
    /// Its value.
    pub(crate) program: Program,
    /// The sources it cites (indices into `Model::sources`); empty for template parameters.
    pub cites: Vec<u32>,
    /// True for a template parameter.
    pub is_param: bool,
    /// For a template parameter, the node its `use` is written under (the root at the
    /// scenario's top level): with the template's name, what tells one `use` from another
    /// across two versions of a file.
    pub use_parent: Option<NodeId>,
}

/// A metric.
#[derive(Clone, Debug)]
pub struct MetricDef {
    /// Its name.
    pub name: String,
    /// Its label.
    pub label: Option<String>,
    /// Its unit.
    pub unit: Option<String>,
    /// Its initial value.
    pub(crate) init: Program,
}

/// A source.
#[derive(Clone, Debug)]
pub struct SourceDef {
    /// Its id.
    pub id: String,
    /// The citation.
    pub text: String,
}

/// What kind of node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    /// "Now".
    Root,
    /// A chance event.
    Branch,
    /// A choice.
    Option,
}

/// How a branch's probability is given.
#[derive(Clone, Debug)]
pub(crate) enum ProbDef {
    /// The root, or an option: probability set by the tree, not written.
    None,
    /// `rest`, where it is written.
    Rest(Span),
    /// An expression.
    Expr(Program),
}

/// How a node is dated.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum WhenDef {
    /// `at DATE`.
    At(Date),
    /// `after DURATION`.
    After(Duration),
}

/// An effect on a metric.
#[derive(Clone, Debug)]
pub(crate) struct EffectDef {
    /// The metric.
    pub(crate) metric: u32,
    /// How.
    pub(crate) op: EffectOp,
    /// By what.
    pub(crate) program: Program,
}

/// A node of the tree.
///
/// A big tree has millions of nodes, so a node keeps what most nodes have inline and what
/// few have (notes, citations) behind one pointer; a label and tags, which never grow once
/// built, are boxed, a word shorter than a `String` or a `Vec`.
#[derive(Clone, Debug)]
pub struct Node {
    /// Its id (empty for the root). Shared with every node of the same id: a big tree repeats
    /// a few ids (they are unique among siblings only) and often its labels.
    pub id: std::sync::Arc<str>,
    /// Its label, if written (shared like the id).
    pub label: Option<std::sync::Arc<str>>,
    /// Root, branch or option.
    pub kind: NodeKind,
    /// Its parent (the root is its own parent).
    pub parent: NodeId,
    /// Its children in source order, as a range of [`Model::child_ids`] (read them with
    /// [`Model::children`]): one list for the whole tree, not a list per node.
    pub(crate) children: std::ops::Range<u32>,
    /// One past its last descendant.
    pub subtree_end: NodeId,
    /// Its depth (root 0).
    pub depth: u32,
    /// Its probability.
    pub(crate) prob: ProbDef,
    /// `at` or `after`, as written.
    pub when: Option<WhenDef>,
    /// Its date, once resolved.
    pub date: Option<Date>,
    /// Its tags.
    pub tags: Box<[u32]>,
    /// Its citations and notes, when it has any.
    pub(crate) extra: Option<Box<NodeExtra>>,
    /// Its effects in order, as a range of [`Model::effects`]: one list for the whole
    /// tree, not a list per node.
    pub(crate) effects: std::ops::Range<u32>,
    /// The file of its id.
    pub file: FileId,
    /// Its id as written (the scenario's id for the root).
    pub span: Span,
}

// A big tree holds millions of nodes: growing a node grows its model by megabytes, so a
// change that does must change this line too (bench/README.md has the figures).
#[cfg(target_pointer_width = "64")]
const _: () = assert!(size_of::<Node>() == 184);

/// What few nodes have, out of line.
#[derive(Clone, Debug, Default)]
pub(crate) struct NodeExtra {
    /// The sources it cites (indices into `Model::sources`).
    pub(crate) cites: Box<[u32]>,
    /// Its notes.
    pub(crate) notes: Box<[std::sync::Arc<str>]>,
}

impl Node {
    /// A node with nothing but its place in the tree, its id and where it was written: the
    /// builder fills in the rest.
    pub(crate) fn new(
        kind: NodeKind,
        parent: NodeId,
        id: std::sync::Arc<str>,
        file: FileId,
        span: Span,
    ) -> Node {
        Node {
            id,
            label: None,
            kind,
            parent,
            children: 0..0,
            subtree_end: 0,
            depth: 0,
            prob: ProbDef::None,
            when: None,
            date: None,
            tags: Box::default(),
            extra: None,
            effects: 0..0,
            file,
            span,
        }
    }

    /// Its probability as written, for messages: the expression or `rest`, else its id.
    pub fn prob_span(&self) -> Span {
        match &self.prob {
            ProbDef::Expr(p) => p.span,
            ProbDef::Rest(span) => *span,
            ProbDef::None => self.span,
        }
    }

    /// The label, defaulting to the id.
    pub fn label(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.id)
    }

    /// The sources it cites (indices into `Model::sources`).
    pub fn cites(&self) -> &[u32] {
        self.extra.as_ref().map_or(&[], |e| &e.cites)
    }

    /// Its notes, in order.
    pub fn notes(&self) -> &[std::sync::Arc<str>] {
        self.extra.as_ref().map_or(&[], |e| &e.notes)
    }
}

/// Index of an event in `Model::events`.
pub type EventRef = u32;

/// An event: a set of leaves, built from nodes and tags.
#[derive(Clone, Debug)]
pub struct EventNode {
    /// What it is.
    pub kind: EventKind,
    /// Where it was written.
    pub span: Span,
    /// In which file.
    pub file: FileId,
}

/// The kinds of event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// Leaves under a node.
    Node(NodeId),
    /// Leaves whose path passes a tagged node.
    Tag(u32),
    /// Leaves under a node dated on or before a date.
    NodeBy(NodeId, Date),
    /// Leaves whose path passes a tagged node dated on or before a date.
    TagBy(u32, Date),
    /// The complement.
    Not(EventRef),
    /// Intersection.
    And(EventRef, EventRef),
    /// Union.
    Or(EventRef, EventRef),
}

/// A query of a forecast or expectation.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Query {
    /// `P(event | given)`.
    Prob {
        /// The event.
        event: EventRef,
        /// The condition.
        given: Option<EventRef>,
    },
    /// `E(metric | given)`.
    Expect {
        /// The metric.
        metric: u32,
        /// The condition.
        given: Option<EventRef>,
    },
}

/// A forecast.
#[derive(Clone, Debug)]
pub struct ForecastDef {
    /// Its name.
    pub name: String,
    /// Its label.
    pub label: Option<String>,
    /// Its value.
    pub(crate) program: Program,
    /// A probability or a number: what a resolution of it must say.
    pub kind: ForecastKind,
    /// `closes DATE`: the day its question closes (a partial date means the last day of its
    /// month or year). Never after the scenario's horizon.
    pub closes: Option<Date>,
    /// `criteria "..."`: how its question resolves.
    pub criteria: Option<String>,
    /// Its name as written.
    pub span: Span,
    /// The file of its name.
    pub file: FileId,
}

/// What a forecast's question asks for, and so what resolves it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ForecastKind {
    /// Exactly one `P(…)` query (conditional or not) and nothing around it: the chance of an
    /// event, resolved yes or no.
    Probability,
    /// Anything else (`E(…)`, arithmetic, functions): resolved by a number.
    Number,
}

impl ForecastKind {
    /// `"probability"` or `"number"`, as reports and messages name it.
    pub fn as_str(self) -> &'static str {
        match self {
            ForecastKind::Probability => "probability",
            ForecastKind::Number => "number",
        }
    }
}

/// An expectation.
#[derive(Clone, Debug)]
pub struct ExpectDef {
    /// What is asserted.
    pub(crate) program: Program,
    /// Inclusive bounds.
    pub lo: f64,
    /// Inclusive bounds.
    pub hi: f64,
    /// The whole `expect` item.
    pub span: Span,
    /// Its file.
    pub file: FileId,
}

impl Model {
    /// A node's children, in source order.
    pub fn children(&self, node: NodeId) -> &[NodeId] {
        self.children_of(&self.nodes[node as usize])
    }

    /// The children of a node of this model, in source order.
    pub fn children_of(&self, node: &Node) -> &[NodeId] {
        &self.child_ids[node.children.start as usize..node.children.end as usize]
    }

    /// The `use` that spliced the node in from a template, if one did (the innermost).
    pub fn use_site(&self, node: NodeId) -> Option<(FileId, Span)> {
        let at = self.use_sites.binary_search_by_key(&node, |s| s.0).ok()?;
        let (_, file, span) = self.use_sites[at];
        Some((file, span))
    }

    /// True when the node's children are options.
    pub fn is_decision(&self, node: NodeId) -> bool {
        self.children(node)
            .first()
            .is_some_and(|&c| self.nodes[c as usize].kind == NodeKind::Option)
    }

    /// True when the node has no children.
    pub fn is_leaf(&self, node: NodeId) -> bool {
        let n = &self.nodes[node as usize];
        n.children.start == n.children.end
    }

    /// A node's effects, in the order written.
    pub(crate) fn effects_of(&self, node: &Node) -> &[EffectDef] {
        &self.effects[node.effects.start as usize..node.effects.end as usize]
    }

    /// The dotted path of a node's ids, root excluded (`""` for the root).
    pub fn path_of(&self, node: NodeId) -> String {
        let mut parts = Vec::new();
        let mut n = node;
        while n != 0 {
            parts.push(self.nodes[n as usize].id.as_ref());
            n = self.nodes[n as usize].parent;
        }
        parts.reverse();
        parts.join(".")
    }

    /// The nodes from the root's first child down to `node`.
    pub fn ancestry(&self, node: NodeId) -> Vec<NodeId> {
        let mut v = Vec::new();
        let mut n = node;
        while n != 0 {
            v.push(n);
            n = self.nodes[n as usize].parent;
        }
        v.reverse();
        v
    }

    /// The leaves, in tree order.
    pub fn leaves(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.children.is_empty())
            .map(|(i, _)| i as NodeId)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A million-branch tree holds a million nodes: their size is most of the model's memory
    /// (bench/README.md). A field added inline should be a choice, not an accident.
    #[test]
    fn a_node_stays_small() {
        assert!(size_of::<Node>() <= 256, "{} bytes", size_of::<Node>());
    }
}
