//! Resolution: from the syntax trees of a scenario and its imports to a [`Model`].
//!
//! Four passes over the scenario: register names (one namespace for lets, metrics,
//! forecasts and sources), compile lets and metrics, build the tree (splicing templates),
//! then compile evidence, forecasts and expectations, whose events need the tree. Every
//! error is collected; the model is returned only if there were none.

mod checks;
mod events;
mod expr;
mod names;
mod sizes;
mod suggest;
mod texts;
mod tree;
mod units;

use std::cell::Cell;
use std::collections::HashMap;

use scn_dsl::ast::{BodyItem, Event, Item, Scenario, ScenarioItem, ScenarioItemKind, Template};
use scn_dsl::{Code, Diagnostic, FileId, Span};

use crate::load::Loaded;
use crate::model::{Meta, Model, Node, NodeKind};

pub(crate) use names::Name;

/// The closest of `candidates` to `name` within two edits, for "did you mean" help outside
/// resolution (ties go to the alphabetically first).
pub fn did_you_mean<'c>(name: &str, candidates: impl Iterator<Item = &'c str>) -> Option<&'c str> {
    suggest::closest(name, candidates)
}

/// Resolves the single scenario of the root file.
pub fn resolve(loaded: &Loaded) -> Result<Model, Vec<Diagnostic>> {
    resolve_given(loaded, &[])
}

/// Resolves the single scenario of the root file, conditioned on extra evidence (the
/// events of `scn eval --given`, each parsed from a file of its own in `loaded.sources`).
pub fn resolve_given(loaded: &Loaded, given: &[(FileId, Event)]) -> Result<Model, Vec<Diagnostic>> {
    resolve_root(loaded, given, None)
}

/// [`resolve_given`] for a caller done with the syntax tree once the model is built (it calls
/// [`Loaded::drop_syntax`] next): the scenario's branches are taken out of the tree and each
/// is freed as soon as its node is built, so that a big file's syntax tree and model are
/// never both whole in memory. Templates are left as they are. The result is the same as
/// [`resolve_given`]'s.
pub fn resolve_draining(
    loaded: &mut Loaded,
    given: &[(FileId, Event)],
) -> Result<Model, Vec<Diagnostic>> {
    let taken = take_branches(loaded);
    resolve_root(loaded, given, taken)
}

/// The branches, options and `use`s written at the top of the root file's scenario, taken
/// out of it, when the file holds exactly one scenario (otherwise resolution fails before
/// reading any).
fn take_branches(loaded: &mut Loaded) -> Option<Vec<BodyItem>> {
    if !loaded.diags.is_empty() {
        return None;
    }
    let file = loaded.files.get_mut(loaded.root.0 as usize)?.as_mut()?;
    let mut scenarios = file.items.iter_mut().filter_map(|i| match i {
        Item::Scenario(s) => Some(s),
        _ => None,
    });
    let s = scenarios.next()?;
    if scenarios.next().is_some() {
        return None;
    }
    let mut nodes = Vec::new();
    let mut rest = Vec::new();
    for item in std::mem::take(&mut s.items) {
        match item.kind {
            ScenarioItemKind::Node(n) => nodes.push(n),
            kind => rest.push(ScenarioItem {
                kind,
                span: item.span,
            }),
        }
    }
    s.items = rest;
    Some(nodes)
}

fn resolve_root(
    loaded: &Loaded,
    given: &[(FileId, Event)],
    taken: Option<Vec<BodyItem>>,
) -> Result<Model, Vec<Diagnostic>> {
    if !loaded.diags.is_empty() {
        return Err(loaded.diags.clone());
    }
    let Some(file) = loaded.root_file() else {
        return Err(loaded.diags.clone());
    };
    let scenarios: Vec<&Scenario> = file
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Scenario(s) => Some(s),
            _ => None,
        })
        .collect();
    match scenarios.as_slice() {
        [one] => resolve_one(loaded, loaded.root, one, given, taken),
        [] => Err(vec![
            Diagnostic::error(loaded.root, Span::default(), "this file holds no scenario")
                .with_code(Code::ScenarioCount)
                .with_help("`scn eval` needs a file with one `scenario id \"Title\" { … }`"),
        ]),
        [_, second, ..] => Err(vec![
            Diagnostic::error(
                loaded.root,
                second.id.span,
                "a file evaluated by scn holds exactly one scenario",
            )
            .with_code(Code::ScenarioCount)
            .with_help("move the others to files of their own"),
        ]),
    }
}

/// Resolves one scenario of a loaded file.
pub fn resolve_scenario(
    loaded: &Loaded,
    file: FileId,
    scenario: &Scenario,
    given: &[(FileId, Event)],
) -> Result<Model, Vec<Diagnostic>> {
    resolve_one(loaded, file, scenario, given, None)
}

/// Resolves one scenario, whose branches were taken out of it into `taken` if they were.
fn resolve_one(
    loaded: &Loaded,
    file: FileId,
    scenario: &Scenario,
    given: &[(FileId, Event)],
    taken: Option<Vec<BodyItem>>,
) -> Result<Model, Vec<Diagnostic>> {
    let mut b = Builder::new(loaded, file, scenario);
    b.collect_templates();
    b.check_plugin_lines();
    b.register_names(scenario);
    b.compile_header(scenario);
    b.build_tree(scenario, taken);
    if b.over_budget {
        // The tree is cut short: the checks below would only add noise.
        return Err(b.diags);
    }
    b.finish_tree();
    b.compile_queries(scenario);
    for (fid, event) in given {
        let ev = b.compile_event(event, *fid);
        b.model.observe.push(ev);
        b.model.given += 1;
    }
    if b.diags.is_empty() {
        let percent = units::percent_above_one(&b.model);
        b.model.warnings.extend(percent);
        Ok(b.model)
    } else {
        Err(b.diags)
    }
}

/// A scope for names: the parameters of one `use` of a template.
pub(crate) struct Scope {
    /// Parameter name → let slot.
    params: HashMap<String, u32>,
    /// The template (for recursion checks); `None` for the scenario itself.
    template: Option<String>,
    /// The scope of the `use` that opened this one.
    caller: Option<usize>,
    /// The file whose text the scope's expressions come from.
    file: FileId,
    /// The `use` that opened the scope: its file and span.
    use_site: Option<(FileId, Span)>,
}

pub(crate) struct Builder<'a> {
    loaded: &'a Loaded,
    file: FileId,
    templates: HashMap<&'a str, (FileId, &'a Template)>,
    names: HashMap<String, (Name, Span)>,
    scopes: Vec<Scope>,
    model: Model,
    diags: Vec<Diagnostic>,
    /// The `use` whose template body is being read, for nodes' `use_site`.
    current_use: Option<(FileId, Span)>,
    /// True once an `objective` line is seen, valid or not (so a misspelt one is reported
    /// once, not again as a missing objective).
    objective_written: bool,
    /// Answers of out-of-process plugins, one call per distinct function and arguments.
    plugin_calls: HashMap<(String, String, Vec<u64>), Result<crate::plugin::Value, String>>,
    /// What is left of the node budget ([`crate::Limits::max_nodes`]).
    budget: u64,
    /// True once the budget ran out (reported once).
    over_budget: bool,
    /// Suggestions ("did you mean") still allowed.
    suggestions_left: Cell<u32>,
    /// Tag name → index in `model.tags`.
    tag_index: HashMap<String, u32>,
    /// Node id → the nodes of that id, built once the tree is complete.
    bare_ids: Option<events::BareIds>,
    /// The nodes' ids and labels, one copy of each.
    texts: texts::Texts,
    /// Child id → child, for nodes with many children, built on first use.
    child_ids: HashMap<crate::model::NodeId, HashMap<std::sync::Arc<str>, crate::model::NodeId>>,
    /// Tag → its first undated node, for `#tag by DATE`, built on first use.
    undated_tags: Option<HashMap<u32, crate::model::NodeId>>,
    /// Per node, true when its date ran past [`scn_dsl::Date::LAST`] (reported there, and not
    /// again where the missing date is used); empty while no date did.
    past_end: Vec<bool>,
    /// Predicted expansion sizes of templates, computed on first use.
    sizes: sizes::Sizes<'a>,
    /// Notes read so far, by node, until the tree is built.
    notes: HashMap<crate::model::NodeId, Vec<std::sync::Arc<str>>>,
    /// The node of each of `model.effects`, while they are in the order read.
    effect_owners: Vec<crate::model::NodeId>,
    /// The instructions and spans of the expression being compiled, kept from one to the
    /// next: a big tree compiles a million, and each would otherwise allocate and shrink two
    /// lists to keep one.
    draft: expr::Draft,
}

impl<'a> Builder<'a> {
    fn new(loaded: &'a Loaded, file: FileId, s: &Scenario) -> Self {
        let meta = Meta {
            id: s.id.name.to_string(),
            title: s
                .title
                .as_ref()
                .map_or_else(|| s.id.name.to_string(), |t| t.value.to_string()),
            file,
            span: s.id.span,
            ..Meta::default()
        };
        let mut root = Node::new(NodeKind::Root, 0, "".into(), file, s.id.span);
        root.subtree_end = 1;
        Builder {
            loaded,
            file,
            templates: HashMap::new(),
            names: HashMap::new(),
            scopes: vec![Scope {
                params: HashMap::new(),
                template: None,
                caller: None,
                file,
                use_site: None,
            }],
            model: Model {
                meta,
                lets: Vec::new(),
                metrics: Vec::new(),
                objective: None,
                sources: Vec::new(),
                nodes: vec![root],
                tags: Vec::new(),
                events: Vec::new(),
                queries: Vec::new(),
                observe: Vec::new(),
                given: 0,
                forecasts: Vec::new(),
                expects: Vec::new(),
                warnings: Vec::new(),
                dist_sites: 0,
                const_dists: Vec::new(),
                child_ids: Vec::new(),
                effects: Vec::new(),
                use_sites: Vec::new(),
                max_ranges: loaded
                    .limits
                    .max_nodes
                    .saturating_mul(crate::model::RANGES_PER_NODE),
            },
            diags: Vec::new(),
            plugin_calls: HashMap::new(),
            budget: loaded.limits.max_nodes,
            over_budget: false,
            suggestions_left: Cell::new(suggest::MAX_LOOKUPS),
            tag_index: HashMap::new(),
            bare_ids: None,
            texts: texts::Texts::default(),
            draft: expr::Draft::default(),
            child_ids: HashMap::new(),
            undated_tags: None,
            past_end: Vec::new(),
            sizes: HashMap::new(),
            notes: HashMap::new(),
            effect_owners: Vec::new(),
            objective_written: false,
            current_use: None,
        }
    }

    fn error(
        &mut self,
        code: Code,
        file: FileId,
        span: Span,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.diags
            .push(Diagnostic::error(file, span, message).with_code(code));
        self.diags.last_mut().expect("just pushed")
    }

    /// Every template of every loaded file; a name defined twice is an error.
    fn collect_templates(&mut self) {
        let loaded = self.loaded;
        for (fid, file) in loaded.parsed() {
            for item in &file.items {
                if let Item::Template(t) = item {
                    if let Some(&(pf, prev)) = self.templates.get(t.name.name.as_str()) {
                        // The same file reached twice is loaded once, so this is a real clash.
                        self.error(
                            Code::DuplicateName,
                            fid,
                            t.name.span,
                            format!("template `{}` is defined twice", t.name.name),
                        )
                        .labels
                        .push(scn_dsl::Label {
                            file: pf,
                            span: prev.name.span,
                            message: "first defined here".into(),
                        });
                        continue;
                    }
                    // Defaults come last (a rule of the language), or positional calls could not reach
                    // the parameters after a default.
                    let mut seen_default = false;
                    let mut names: HashMap<&str, Span> = HashMap::with_capacity(t.params.len());
                    for p in &t.params {
                        // Two parameters of one name: a call could give only one of them by
                        // name, and the body would see the later one only.
                        if let Some(&first) = names.get(p.name.name.as_str()) {
                            self.error(
                                Code::DuplicateName,
                                fid,
                                p.name.span,
                                format!(
                                    "template `{}` has two parameters named `{}`",
                                    t.name.name, p.name.name
                                ),
                            )
                            .labels
                            .push(scn_dsl::Label {
                                file: fid,
                                span: first,
                                message: "first here".into(),
                            });
                        } else {
                            names.insert(&p.name.name, p.name.span);
                        }
                        if crate::functions::Func::is_std_math(&p.name.name) {
                            self.error(Code::ReservedName,
                                fid,
                                p.name.span,
                                format!(
                                    "`{}` is a built-in function; a template parameter cannot take its name",
                                    p.name.name
                                ),
                            )
                            .help = Some("give the parameter another name".into());
                        }
                        if p.default.is_some() {
                            seen_default = true;
                        } else if seen_default {
                            self.error(
                                Code::TemplateArguments,
                                fid,
                                p.name.span,
                                format!(
                                    "the parameter `{}` has no default but follows one that has",
                                    p.name.name
                                ),
                            )
                            .help = Some("put parameters with defaults last".into());
                        }
                    }
                    self.templates.insert(&t.name.name, (fid, t));
                }
            }
        }
    }

    /// Every `plugin NAME` line of every loaded file names a plugin that exists.
    fn check_plugin_lines(&mut self) {
        let loaded = self.loaded;
        for (fid, file) in loaded.parsed() {
            for item in &file.items {
                if let Item::Plugin(p) = item
                    && loaded.plugins.get(&p.name.name).is_none()
                {
                    let (msg, help) = match loaded.plugins.refusal(&p.name.name) {
                        Some(why) => why.explain(&p.name.name),
                        None => (
                            format!("unknown plugin `{}`", p.name.name),
                            format!(
                                "the built-in plugins are {}; an external plugin must be declared under [plugins.{}] in the library's scn.toml",
                                loaded.plugins.names().join(", "),
                                p.name.name
                            ),
                        ),
                    };
                    self.error(Code::Plugin, fid, p.name.span, msg).help = Some(help);
                }
            }
        }
    }

    /// True when `file` declares `plugin name`.
    fn plugin_enabled(&self, file: FileId, name: &str) -> bool {
        self.loaded
            .files
            .get(file.0 as usize)
            .and_then(Option::as_ref)
            .is_some_and(|f| {
                f.items
                    .iter()
                    .any(|i| matches!(i, Item::Plugin(p) if p.name.name == name))
            })
    }
}

impl Builder<'_> {
    /// The closest candidate name for "did you mean" help, while the run's allowance of
    /// lookups lasts (see [`suggest`]).
    pub(crate) fn suggest<'c>(
        &self,
        name: &str,
        candidates: impl Iterator<Item = &'c str>,
    ) -> Option<&'c str> {
        let left = self.suggestions_left.get();
        if left == 0 {
            return None;
        }
        self.suggestions_left.set(left - 1);
        suggest::closest(name, candidates)
    }

    /// A node's dotted path for a message; past the first errors, only its id, since a
    /// path costs the node's depth and a file can hold many such errors.
    pub(crate) fn path_of(&self, node: crate::model::NodeId) -> String {
        const DETAILED: usize = 200;
        if self.diags.len() < DETAILED {
            self.model.path_of(node)
        } else {
            self.model.nodes[node as usize].id.to_string()
        }
    }

    /// Spends `n` units of the node budget; false (after reporting, once) when it is spent.
    pub(crate) fn spend(&mut self, n: u64, file: FileId, span: Span) -> bool {
        if self.over_budget {
            return false;
        }
        if let Some(left) = self.budget.checked_sub(n) {
            self.budget = left;
            return true;
        }
        self.out_of_budget(file, span, None);
        false
    }

    /// Reports, once, that the node budget is spent, with what spent it if known.
    pub(crate) fn out_of_budget(&mut self, file: FileId, span: Span, detail: Option<String>) {
        if std::mem::replace(&mut self.over_budget, true) {
            return;
        }
        let max = self.loaded.limits.max_nodes;
        let detail = detail.map(|d| format!(": {d}")).unwrap_or_default();
        self.error(Code::TooLarge,
            file,
            span,
            format!("the scenario grows past {max} nodes here (branches, options, their tags and citations, template expansions and the expressions they compile){detail}"),
        )
        .help = Some(format!(
            "templates that use other templates more than once grow exponentially; if the tree is meant to be this large, raise the limit with --max-nodes (now {max})"
        ));
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// Both ways of resolving, on the same text: the borrowing one and the one that takes the
    /// branches out of the syntax tree.
    fn both(text: &str, dir: &Path, path: Option<&Path>) -> (String, String) {
        let loaded = crate::load::load("t.scn", text.to_owned(), dir, path);
        let borrowed = format!("{:?}", resolve(&loaded));
        let mut loaded = crate::load::load("t.scn", text.to_owned(), dir, path);
        let drained = format!("{:?}", resolve_draining(&mut loaded, &[]));
        (borrowed, drained)
    }

    #[test]
    fn draining_resolves_the_library_as_borrowing_does() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
        let mut dirs = vec![root];
        let mut seen = 0;
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("scenarios/ is readable") {
                let path = entry.expect("an entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "scn") {
                    let text = std::fs::read_to_string(&path).expect("a readable file");
                    let (a, b) = both(&text, &dir, Some(&path));
                    assert_eq!(a, b, "{}", path.display());
                    seen += 1;
                }
            }
        }
        assert!(seen >= 10, "only {seen} files under scenarios/");
    }

    #[test]
    fn draining_gives_the_same_model_and_errors() {
        let dir = std::env::temp_dir();
        let cases = [
            // Templates, notes, citations, tags, dates, options and effects.
            "template t(q = 0.5) {\n  branch x \"X\" p = q {\n    note \"in the template\"\n    m += 1\n  }\n  branch y p = rest\n}\nscenario s \"S\" {\n  as_of 2026-01-01\n  source a \"A\"\n  metric m = 0\n  objective maximize m\n  branch one \"One\" p = 30% at 2026-05 #hot cite a {\n    note \"first\"\n    note \"second\"\n    use t(q = 0.25)\n  }\n  branch two p = rest {\n    option go {\n      m += 2\n    }\n    option stay\n  }\n  forecast f = P(#hot)\n}\n",
            // The error of `p = …` after an option, which looks at the item before.
            "scenario s \"S\" {\n  branch d p = 1 {\n    option go\n    p = 50%\n    option stay\n  }\n}\n",
            // Errors in a template's body, labelled with each use.
            "template t() {\n  branch x p = nope\n  branch y p = rest\n}\nscenario s \"S\" {\n  branch a p = 50% {\n    use t()\n  }\n  branch b p = rest {\n    use t()\n  }\n}\n",
        ];
        for text in cases {
            let (a, b) = both(text, &dir, None);
            assert_eq!(a, b, "{text}");
        }
    }
}
