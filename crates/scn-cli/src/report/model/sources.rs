//! Sources, each with the nodes (and, once the language lets them, the lets) that cite it.

use scn_eval::model::{Model, NodeId};

use super::{LIST_LIMIT, NodeRef};

/// The sources.
pub(crate) struct Sources {
    /// In the order declared.
    pub list: Vec<Source>,
}

/// One source.
pub(crate) struct Source {
    /// Its id.
    pub id: String,
    /// The citation.
    pub text: String,
    /// The first [`LIST_LIMIT`] nodes citing it, in tree order.
    pub cited_by: Vec<NodeRef>,
    /// Citing nodes left out.
    pub more: usize,
}

impl Sources {
    /// `None` for a scenario without sources.
    pub(crate) fn build(model: &Model) -> Option<Sources> {
        if model.sources.is_empty() {
            return None;
        }
        let mut by_source: Vec<Vec<NodeId>> = vec![Vec::new(); model.sources.len()];
        for (k, node) in model.nodes.iter().enumerate() {
            for &c in node.cites() {
                by_source[c as usize].push(k as NodeId);
            }
        }
        let list = model
            .sources
            .iter()
            .zip(by_source)
            .map(|(src, citing)| Source {
                id: src.id.clone(),
                text: src.text.clone(),
                more: citing.len().saturating_sub(LIST_LIMIT),
                cited_by: citing
                    .into_iter()
                    .take(LIST_LIMIT)
                    .map(|k| NodeRef::of(model, k))
                    .collect(),
            })
            .collect();
        Some(Sources { list })
    }
}
