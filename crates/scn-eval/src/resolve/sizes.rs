//! How large a `use` of each template will grow, known before it is expanded.
//!
//! Templates that each use the one below twice grow exponentially: a 2 KB file can ask for
//! 2^40 nodes. The node budget stops that, but only after spending itself — millions of
//! nodes built and dropped. Predicting each template's size from its text first (nodes plus
//! expansions, with their tags and citations, counted once per template, saturating) lets the first `use` too large for
//! what is left of the budget fail at once. The prediction never exceeds what expansion
//! really costs (it leaves out expressions), so it refuses nothing the budget would accept.

use std::collections::{HashMap, HashSet};

use scn_dsl::ast::{Block, BodyItemKind};

use super::Builder;

impl<'a> Builder<'a> {
    /// Nodes and expansions one `use` of the template creates (0 for an unknown template;
    /// a template that uses itself counts its recursion as 0, which is reported elsewhere).
    pub(super) fn template_size(&mut self, name: &str) -> u64 {
        if let Some(&n) = self.sizes.get(name) {
            return n;
        }
        let Some((&root, _)) = self.templates.get_key_value(name) else {
            return 0;
        };
        // Depth-first over the templates it uses, without recursion: a chain of thousands
        // of templates is a valid file.
        let mut visiting: HashSet<&'a str> = HashSet::new();
        let mut stack: Vec<(&'a str, bool)> = vec![(root, false)];
        while let Some((t, deps_done)) = stack.pop() {
            if self.sizes.contains_key(t) {
                continue;
            }
            let Some(&(_, template)) = self.templates.get(t) else {
                self.sizes.insert(t, 0);
                continue;
            };
            if deps_done {
                let size = self.block_size(&template.body);
                self.sizes.insert(t, size);
                visiting.remove(t);
                continue;
            }
            visiting.insert(t);
            stack.push((t, true));
            for_each_item(&template.body, |kind| {
                if let BodyItemKind::Use(u) = kind
                    && let Some((&dep, _)) = self.templates.get_key_value(u.template.name.as_str())
                    && !self.sizes.contains_key(dep)
                    && !visiting.contains(dep)
                {
                    stack.push((dep, false));
                }
            });
        }
        self.sizes.get(name).copied().unwrap_or(0)
    }

    /// The size of a body whose templates' sizes are known (unknown ones count 0).
    fn block_size(&self, body: &Block) -> u64 {
        let mut size = 0u64;
        for_each_item(body, |kind| {
            let n = match kind {
                BodyItemKind::Branch(b) => 1 + (b.tags().len() + b.cites().len()) as u64,
                BodyItemKind::Option(o) => 1 + o.tags.len() as u64,
                BodyItemKind::Use(u) => {
                    let name = u.template.name.as_str();
                    let params = self
                        .templates
                        .get(name)
                        .map_or(0, |(_, t)| t.params.len() as u64);
                    let inner = self.sizes.get(name).copied().unwrap_or(0);
                    1u64.saturating_add(params).saturating_add(inner)
                }
                BodyItemKind::Effect(_) | BodyItemKind::Note(_) => 0,
            };
            size = size.saturating_add(n);
        });
        size
    }
}

/// Calls `f` on every item of a body and of the bodies nested in it.
fn for_each_item<'b>(body: &'b Block, mut f: impl FnMut(&'b BodyItemKind)) {
    let mut stack = vec![body];
    while let Some(b) = stack.pop() {
        for item in &b.items {
            f(&item.kind);
            match &item.kind {
                BodyItemKind::Branch(br) => stack.extend(br.body.as_ref()),
                BodyItemKind::Option(o) => stack.extend(o.body.as_ref()),
                BodyItemKind::Use(_) | BodyItemKind::Effect(_) | BodyItemKind::Note(_) => {}
            }
        }
    }
}

/// Sizes by template name.
pub(super) type Sizes<'a> = HashMap<&'a str, u64>;
