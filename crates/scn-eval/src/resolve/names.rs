//! The scenario's namespace, its metadata, lets and metrics.

use scn_dsl::ast::{Scenario, ScenarioItemKind};
use scn_dsl::{Code, Span};

use super::Builder;
use super::expr::Ctx;
use crate::model::{LetDef, MetricDef, SourceDef};

/// What a scenario-level name stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Name {
    /// The i-th let.
    Let(u32),
    /// The i-th metric.
    Metric(u32),
    /// The i-th forecast.
    Forecast(u32),
    /// The i-th source.
    Source(u32),
}

impl Name {
    pub(crate) fn kind(self) -> &'static str {
        match self {
            Name::Let(_) => "let",
            Name::Metric(_) => "metric",
            Name::Forecast(_) => "forecast",
            Name::Source(_) => "source",
        }
    }
}

impl Builder<'_> {
    /// Registers every name first, so that a use before the declaration gets the right
    /// message ("declared below") rather than "unknown".
    pub(super) fn register_names(&mut self, s: &Scenario) {
        let (mut lets, mut metrics, mut forecasts, mut sources) = (0, 0, 0, 0);
        for item in &s.items {
            let (ident, name) = match &item.kind {
                ScenarioItemKind::Let { name, .. } => (name, Name::Let(next(&mut lets))),
                ScenarioItemKind::Metric { name, .. } => (name, Name::Metric(next(&mut metrics))),
                ScenarioItemKind::Forecast { name, .. } => {
                    (name, Name::Forecast(next(&mut forecasts)))
                }
                ScenarioItemKind::Source { id, .. } => (id, Name::Source(next(&mut sources))),
                _ => continue,
            };
            if matches!(name, Name::Let(_)) && crate::functions::Func::is_std_math(&ident.name) {
                let file = self.file;
                self.error(
                    Code::ReservedName,
                    file,
                    ident.span,
                    format!(
                        "`{}` is a built-in function; a let cannot take its name",
                        ident.name
                    ),
                )
                .help = Some("give the let another name".into());
            }
            if let Some(&(prev, prev_span)) = self.names.get(ident.name.as_str()) {
                let file = self.file;
                self.error(
                    Code::DuplicateName,
                    file,
                    ident.span,
                    format!("`{}` is already declared as a {}", ident.name, prev.kind()),
                )
                .labels
                .push(scn_dsl::Label {
                    file,
                    span: prev_span,
                    message: "first declared here".into(),
                });
                continue;
            }
            self.names
                .insert(ident.name.to_string(), (name, ident.span));
        }
    }

    /// Metadata, sources, lets, metrics and the objective.
    pub(super) fn compile_header(&mut self, s: &Scenario) {
        let file = self.file;
        let mut as_of_seen: Option<Span> = None;
        let mut horizon_seen: Option<Span> = None;
        let mut objective_seen: Option<Span> = None;
        for item in &s.items {
            match &item.kind {
                ScenarioItemKind::AsOf(d) => {
                    if let Some(prev) = as_of_seen.replace(item.span) {
                        self.duplicate_item("as_of", item.span, prev);
                    }
                    self.model.meta.as_of = Some(d.date);
                }
                ScenarioItemKind::Horizon(d) => {
                    if let Some(prev) = horizon_seen.replace(item.span) {
                        self.duplicate_item("horizon", item.span, prev);
                    }
                    self.model.meta.horizon = Some(d.date);
                }
                ScenarioItemKind::Author(a) => self.model.meta.author = Some(a.value.to_string()),
                ScenarioItemKind::Description(d) => {
                    self.model.meta.description = Some(d.value.to_string());
                }
                ScenarioItemKind::Source { id, text } => {
                    self.model.sources.push(SourceDef {
                        id: id.name.to_string(),
                        text: text.value.to_string(),
                    });
                }
                ScenarioItemKind::Let {
                    name,
                    value,
                    doc,
                    cites,
                } => {
                    let upto = self.model.lets.len() as u32;
                    let program = self.compile_expr(value, 0, Ctx::Let { upto });
                    let cites = self.resolve_cites(cites, file);
                    self.model.lets.push(LetDef {
                        name: name.name.to_string(),
                        doc: doc.as_ref().map(|d| d.value.to_string()),
                        program,
                        cites,
                        is_param: false,
                        use_parent: None,
                    });
                }
                ScenarioItemKind::Metric {
                    name,
                    label,
                    unit,
                    init,
                } => {
                    let program = self.compile_expr(init, 0, Ctx::MetricInit);
                    self.model.metrics.push(MetricDef {
                        name: name.name.to_string(),
                        label: label.as_ref().map(|l| l.value.to_string()),
                        unit: unit.as_ref().map(|u| u.value.to_string()),
                        init: program,
                    });
                }
                ScenarioItemKind::Objective { direction, metric } => {
                    self.objective_written = true;
                    if let Some(prev) = objective_seen.replace(item.span) {
                        self.duplicate_item("objective", item.span, prev);
                    }
                    match self.names.get(metric.name.as_str()) {
                        Some(&(Name::Metric(m), _)) => self.model.objective = Some((*direction, m)),
                        Some(&(other, _)) => {
                            self.error(
                                Code::WrongKind,
                                file,
                                metric.span,
                                format!(
                                    "the objective must be a metric; `{}` is a {}",
                                    metric.name,
                                    other.kind()
                                ),
                            );
                        }
                        None => {
                            let help = self.metric_suggestion(&metric.name);
                            let d = self.error(
                                Code::UnknownMetric,
                                file,
                                metric.span,
                                format!("unknown metric `{}`", metric.name),
                            );
                            if let Some(h) = help {
                                d.help = Some(h);
                            }
                        }
                    }
                }
                ScenarioItemKind::Note(n) => self.model.meta.notes.push(n.value.to_string()),
                _ => {}
            }
        }
    }

    fn duplicate_item(&mut self, what: &str, span: Span, prev: Span) {
        let file = self.file;
        self.error(
            Code::DuplicateName,
            file,
            span,
            format!("`{what}` is given twice"),
        )
        .labels
        .push(scn_dsl::Label {
            file,
            span: prev,
            message: "first given here".into(),
        });
    }

    pub(super) fn metric_suggestion(&self, name: &str) -> Option<String> {
        let metrics = self
            .names
            .iter()
            .filter(|(_, (n, _))| matches!(n, Name::Metric(_)))
            .map(|(k, _)| k.as_str());
        self.suggest(name, metrics)
            .map(|s| format!("did you mean `{s}`?"))
    }
}

fn next(counter: &mut u32) -> u32 {
    *counter += 1;
    *counter - 1
}
