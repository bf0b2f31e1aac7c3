//! Which item of the old version is which item of the new one.
//!
//! Nodes match by dotted path (a child matches the child of its parent's match with the
//! same id and kind), so a renamed or moved branch is one removed and one added. Lets,
//! metrics, sources and forecasts match by name. A template argument matches the argument of
//! the same template and parameter in the `use` written under the matching node (the second
//! `use` of a template under one node matches the second).

use std::collections::HashMap;

use crate::model::{Model, NodeId};

/// Old index → new index and back, for each kind of item.
pub(super) struct Matching {
    pub nodes_old: Vec<Option<NodeId>>,
    pub nodes_new: Vec<Option<NodeId>>,
    pub lets_old: Vec<Option<u32>>,
    pub lets_new: Vec<Option<u32>>,
    pub metrics_old: Vec<Option<u32>>,
    pub metrics_new: Vec<Option<u32>>,
    pub sources_old: Vec<Option<u32>>,
    pub sources_new: Vec<Option<u32>>,
    pub forecasts_old: Vec<Option<u32>>,
    pub forecasts_new: Vec<Option<u32>>,
    /// For each new let that is a template parameter, which `use` of its template under its
    /// node it belongs to (1 for the first).
    occurrence_new: Vec<u32>,
}

impl Matching {
    pub(super) fn new(old: &Model, new: &Model) -> Matching {
        let (nodes_old, nodes_new) = match_nodes(old, new);
        let (lets_old, lets_new) = match_lets(old, new, &nodes_old);
        let (metrics_old, metrics_new) = by_name(
            old.metrics.iter().map(|m| m.name.as_str()),
            new.metrics.iter().map(|m| m.name.as_str()),
        );
        let (sources_old, sources_new) = by_name(
            old.sources.iter().map(|s| s.id.as_str()),
            new.sources.iter().map(|s| s.id.as_str()),
        );
        let (forecasts_old, forecasts_new) = by_name(
            old.forecasts.iter().map(|f| f.name.as_str()),
            new.forecasts.iter().map(|f| f.name.as_str()),
        );
        Matching {
            nodes_old,
            nodes_new,
            lets_old,
            lets_new,
            metrics_old,
            metrics_new,
            sources_old,
            sources_new,
            forecasts_old,
            forecasts_new,
            occurrence_new: occurrences(new),
        }
    }

    /// How reports name new let `j`: its name, or `template.param @ node.path` (with `#2`
    /// for a second `use` of the template under the same node).
    pub(super) fn let_name(&self, new: &Model, j: usize) -> String {
        let l = &new.lets[j];
        match l.use_parent {
            None => l.name.clone(),
            Some(parent) => {
                let at = if parent == 0 {
                    "(top)".to_owned()
                } else {
                    node_path(new, parent)
                };
                match self.occurrence_new[j] {
                    1 => format!("{} @ {at}", l.name),
                    k => format!("{} @ {at} #{k}", l.name),
                }
            }
        }
    }
}

/// Paths deeper than this are shortened in the middle, so that reports of a very deep tree
/// stay in proportion to it.
const PATH_DEPTH_SHOWN: usize = 64;

/// A node's dotted path as reports show it (`""` for the root).
pub(super) fn node_path(model: &Model, node: NodeId) -> String {
    let depth = model.nodes[node as usize].depth as usize;
    if depth <= PATH_DEPTH_SHOWN {
        return model.path_of(node);
    }
    let keep = PATH_DEPTH_SHOWN / 2;
    let mut tail = Vec::with_capacity(keep);
    let mut n = node;
    for _ in 0..keep {
        tail.push(model.nodes[n as usize].id.as_ref());
        n = model.nodes[n as usize].parent;
    }
    tail.reverse();
    // Climb to the ancestor at depth `keep`, then gather its path.
    while model.nodes[n as usize].depth as usize > keep {
        n = model.nodes[n as usize].parent;
    }
    format!("{}.….{}", model.path_of(n), tail.join("."))
}

fn match_nodes(old: &Model, new: &Model) -> (Vec<Option<NodeId>>, Vec<Option<NodeId>>) {
    let mut child: HashMap<(NodeId, &str), NodeId> = HashMap::with_capacity(new.nodes.len());
    for (j, n) in new.nodes.iter().enumerate().skip(1) {
        child.insert((n.parent, n.id.as_ref()), j as NodeId);
    }
    let mut to_new = vec![None; old.nodes.len()];
    let mut to_old = vec![None; new.nodes.len()];
    to_new[0] = Some(0);
    to_old[0] = Some(0);
    // Pre-order: a node's parent is matched (or not) before the node.
    for (i, n) in old.nodes.iter().enumerate().skip(1) {
        let Some(p) = to_new[n.parent as usize] else {
            continue;
        };
        if let Some(&j) = child.get(&(p, n.id.as_ref()))
            && new.nodes[j as usize].kind == n.kind
        {
            to_new[i] = Some(j);
            to_old[j as usize] = Some(i as NodeId);
        }
    }
    (to_new, to_old)
}

/// For each let that is a template parameter, which `use` of its template under its node it
/// belongs to, from 1 (0 for scenario lets).
fn occurrences(model: &Model) -> Vec<u32> {
    let mut seen: HashMap<(NodeId, &str), u32> = HashMap::new();
    model
        .lets
        .iter()
        .map(|l| match l.use_parent {
            None => 0,
            Some(p) => {
                let k = seen.entry((p, l.name.as_str())).or_insert(0);
                *k += 1;
                *k
            }
        })
        .collect()
}

fn match_lets(
    old: &Model,
    new: &Model,
    nodes_old: &[Option<NodeId>],
) -> (Vec<Option<u32>>, Vec<Option<u32>>) {
    // Keys in the new version's node numbering; an old parameter whose node has no match
    // has no key.
    let key = |parent: Option<NodeId>, name: &str, k: u32| -> (Option<NodeId>, String, u32) {
        (parent, name.to_owned(), k)
    };
    let (occ_old, occ_new) = (occurrences(old), occurrences(new));
    let mut by_key: HashMap<(Option<NodeId>, String, u32), u32> = HashMap::new();
    for (j, l) in new.lets.iter().enumerate() {
        by_key.insert(key(l.use_parent, &l.name, occ_new[j]), j as u32);
    }
    let mut to_new = vec![None; old.lets.len()];
    let mut to_old = vec![None; new.lets.len()];
    for (i, l) in old.lets.iter().enumerate() {
        let parent = match l.use_parent {
            None => None,
            Some(p) => match nodes_old[p as usize] {
                Some(q) => Some(q),
                None => continue,
            },
        };
        if let Some(&j) = by_key.get(&key(parent, &l.name, occ_old[i])) {
            to_new[i] = Some(j);
            to_old[j as usize] = Some(i as u32);
        }
    }
    (to_new, to_old)
}

/// Matches two lists of unique names.
fn by_name<'a>(
    old: impl Iterator<Item = &'a str>,
    new: impl Iterator<Item = &'a str>,
) -> (Vec<Option<u32>>, Vec<Option<u32>>) {
    let new: Vec<&str> = new.collect();
    let index: HashMap<&str, u32> = new
        .iter()
        .enumerate()
        .map(|(j, &n)| (n, j as u32))
        .collect();
    let mut to_old = vec![None; new.len()];
    let to_new = old
        .enumerate()
        .map(|(i, n)| {
            let j = index.get(n).copied();
            if let Some(j) = j {
                to_old[j as usize] = Some(i as u32);
            }
            j
        })
        .collect();
    (to_new, to_old)
}
