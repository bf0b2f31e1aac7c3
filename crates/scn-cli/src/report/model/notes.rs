//! The author's notes: those written at scenario level first (shown at the root), then the
//! notes on branches, in tree order.

use scn_eval::model::{Model, NodeId};

use super::{LIST_LIMIT, NodeRef};

/// The notes.
pub(crate) struct Notes {
    /// Notes of the first [`LIST_LIMIT`] nodes that have any.
    pub list: Vec<(NodeRef, String)>,
    /// Nodes with notes left out.
    pub more_nodes: usize,
}

impl Notes {
    /// `None` when no node has a note.
    pub(crate) fn build(model: &Model) -> Option<Notes> {
        let noted: Vec<usize> = (0..model.nodes.len())
            .filter(|&k| !model.nodes[k].notes().is_empty())
            .collect();
        if noted.is_empty() && model.meta.notes.is_empty() {
            return None;
        }
        // Scenario-level notes are about the whole tree, so they stand at its root, and
        // are never cut: the limit is for trees with thousands of noted branches.
        let root = NodeRef::of(model, 0);
        let list = model
            .meta
            .notes
            .iter()
            .map(|n| (root.clone(), n.clone()))
            .chain(noted.iter().take(LIST_LIMIT).flat_map(|&k| {
                let at = NodeRef::of(model, k as NodeId);
                model.nodes[k]
                    .notes()
                    .iter()
                    .map(move |n| (at.clone(), n.to_string()))
            }))
            .collect();
        Some(Notes {
            list,
            more_nodes: noted.len().saturating_sub(LIST_LIMIT),
        })
    }
}
