//! Scenarios generated from the grammar: most are valid or nearly so, which reaches the
//! resolver and the evaluator far more often than random bytes would.
//!
//! Names come from small pools so that references often resolve; numbers include the
//! awkward ones (0, -0, 1e308, 5e-324, huge exponents, percentages over 100).

use arbitrary::{Result, Unstructured};

const IDS: [&str; 8] = ["a", "b", "c", "win", "loss", "x_1", "deal", "rest_of"];
const NAMES: [&str; 6] = ["k", "rate", "cost", "gain", "p", "n"];
const TAGS: [&str; 4] = ["war", "peace", "t", "deal"];
const NUMBERS: [&str; 22] = [
    "0", "1", "0.5", "-1", "2", "10%", "50%", "99.9%", "150%", "-0", "1e308", "-1e308", "5e-324",
    "1e-300", "3k", "2.5M", "1e9", "0.000001", "7", "0.25", "100", "1_000",
];
const DATES: [&str; 6] = [
    "2025-01-01",
    "2025-06",
    "2026",
    "2024-02-29",
    "9999-12-31",
    "2025-12-31",
];
const DURATIONS: [&str; 5] = ["3mo", "2w", "1y", "10d", "0d"];
const LABELS: [&str; 6] = [
    "\"A\"",
    "\"Label with \\\"quotes\\\"\"",
    "\"tab\\there\"",
    "\"\u{1b}[31mred\"",
    "\"ünïcödé ✓\"",
    "\"\"",
];

/// A generated `.scn` file.
pub fn file(u: &mut Unstructured<'_>) -> Result<String> {
    let mut g = Gen {
        u,
        out: String::new(),
        depth: 0,
        lets: Vec::new(),
        metrics: 0,
        objective: false,
        ids: Vec::new(),
        tags: Vec::new(),
        templates: 0,
        params: Vec::new(),
        in_template: false,
    };
    g.file()?;
    Ok(g.out)
}

/// An event for `--given`, from the same pools.
pub fn event(u: &mut Unstructured<'_>) -> Result<String> {
    let mut g = Gen {
        u,
        out: String::new(),
        depth: 0,
        lets: Vec::new(),
        metrics: 0,
        objective: false,
        ids: Vec::new(),
        tags: Vec::new(),
        templates: 0,
        params: Vec::new(),
        in_template: false,
    };
    g.event()?;
    Ok(g.out)
}

struct Gen<'u, 'd> {
    u: &'u mut Unstructured<'d>,
    out: String,
    depth: usize,
    /// Lets declared so far: expressions mostly use these, so that files resolve.
    lets: Vec<&'static str>,
    /// Metrics declared.
    metrics: u8,
    /// True when an objective was written: options need one.
    objective: bool,
    /// Node ids and tags written so far, for events that resolve.
    ids: Vec<String>,
    tags: Vec<&'static str>,
    /// Templates written, with their number of parameters.
    templates: u8,
    params: Vec<u8>,
    /// True while a template's body is written: its ids may never be spliced in.
    in_template: bool,
}

impl Gen<'_, '_> {
    fn pick<T: Copy>(&mut self, from: &[T]) -> Result<T> {
        Ok(*self.u.choose(from)?)
    }

    fn push(&mut self, s: &str) {
        self.out.push_str(s);
    }

    fn chance(&mut self, percent: u8) -> Result<bool> {
        Ok(self.u.int_in_range(0..=99u8)? < percent)
    }

    fn file(&mut self) -> Result<()> {
        // Lets and metrics are chosen first: template bodies use them too.
        for _ in 0..self.u.int_in_range(0..=3u8)? {
            let n = self.pick(&NAMES)?;
            if !self.lets.contains(&n) || self.chance(3)? {
                self.lets.push(n);
            }
        }
        self.metrics = self.u.int_in_range(0..=2u8)?;
        for p in ["hazard", "odds", "pool"] {
            if self.chance(97)? {
                self.push(&format!("plugin {p}\n"));
            }
        }
        for i in 0..self.u.int_in_range(0..=2u8)? {
            self.template(i)?;
            self.templates = i + 1;
        }
        self.scenario()
    }

    fn template(&mut self, i: u8) -> Result<()> {
        self.push(&format!("template t{i}("));
        let params = self.u.int_in_range(0..=2u8)?;
        let mut defaults = false;
        for j in 0..params {
            if j > 0 {
                self.push(", ");
            }
            self.push(&format!("q{j}"));
            defaults = defaults || self.chance(30)?;
            if defaults {
                self.push(" = ");
                self.number()?;
            }
        }
        self.params.push(params);
        self.push(") {\n");
        self.in_template = true;
        self.body(&format!("t{i}"))?;
        self.in_template = false;
        self.push("}\n");
        Ok(())
    }

    fn scenario(&mut self) -> Result<()> {
        self.push("scenario s ");
        if self.chance(50)? {
            let l = self.pick(&LABELS)?;
            self.push(l);
            self.push(" ");
        }
        self.push("{\n");
        if self.chance(50)? {
            let d = self.pick(&DATES)?;
            self.push(&format!("  as_of {d}\n"));
        }
        if self.chance(20)? {
            let d = self.pick(&DATES)?;
            self.push(&format!("  horizon {d}\n"));
        }
        let lets = std::mem::take(&mut self.lets);
        for (i, n) in lets.iter().enumerate() {
            self.push(&format!("  let {n} = "));
            // A let sees only the lets above it.
            self.lets = lets[..i].to_vec();
            self.expr(true)?;
            self.push("\n");
        }
        self.lets = lets;
        let metrics = self.metrics;
        for m in 0..metrics {
            self.push(&format!("  metric m{m} "));
            if self.chance(30)? {
                self.push("\"Money\" unit \"%\" ");
            }
            self.push("= ");
            self.number()?;
            self.push("\n");
        }
        if (metrics > 0 && self.chance(60)?) || self.chance(5)? {
            let dir = self.pick(&["maximize", "minimize"])?;
            self.push(&format!("  objective {dir} m0\n"));
            self.objective = true;
        }
        self.body("s")?;
        for _ in 0..self.u.int_in_range(0..=2u8)? {
            self.push("  observe ");
            self.event()?;
            self.push("\n");
        }
        for f in 0..self.u.int_in_range(0..=3u8)? {
            self.push(&format!("  forecast f{f} = "));
            self.query()?;
            self.push("\n");
        }
        if self.chance(40)? {
            self.push("  expect ");
            self.query()?;
            self.push(" in 0 .. 1\n");
        }
        self.push("}\n");
        Ok(())
    }

    /// Branches or options (rarely both), effects, notes and uses.
    fn body(&mut self, within: &str) -> Result<()> {
        self.depth += 1;
        let options = (self.objective || self.chance(3)?) && self.chance(30)?;
        let n = if self.depth > 4 {
            0
        } else {
            self.u.int_in_range(0..=3u8)?
        };
        for i in 0..n {
            let id = self.pick(&IDS)?;
            if !self.in_template {
                self.ids.push(format!("{id}{i}"));
            }
            let pad = "  ".repeat(self.depth);
            if options && !self.chance(5)? {
                self.push(&format!("{pad}option {id}{i}"));
            } else {
                self.push(&format!("{pad}branch {id}{i}"));
                if self.chance(30)? {
                    let l = self.pick(&LABELS)?;
                    self.push(&format!(" {l}"));
                }
                self.push(" p = ");
                if i + 1 == n && self.chance(80)? {
                    self.push("rest");
                } else if self.chance(75)? {
                    let p = self.pick(&["0", "0.1", "20%", "0.25", "1/3", "5e-324", "0.5"])?;
                    self.push(p);
                } else {
                    self.expr(false)?;
                }
            }
            if self.chance(20)? {
                let d = self.pick(&DURATIONS)?;
                self.push(&format!(" after {d}"));
            } else if self.chance(10)? {
                let d = self.pick(&DATES)?;
                self.push(&format!(" at {d}"));
            }
            if self.chance(30)? {
                let t = self.pick(&TAGS)?;
                if !self.in_template {
                    self.tags.push(t);
                }
                self.push(&format!(" #{t}"));
            }
            if self.chance(60)? {
                self.push(" {\n");
                self.effects()?;
                self.body(within)?;
                self.push(&format!("{pad}}}"));
            }
            self.push("\n");
        }
        if self.chance(15)? && within != "t0" && (self.templates > 0 || self.chance(5)?) {
            let pad = "  ".repeat(self.depth);
            let which = self.u.int_in_range(0..=self.templates.clamp(1, 2) - 1)?;
            self.push(&format!("{pad}use t{which}("));
            let n = self.params.get(usize::from(which)).copied().unwrap_or(0);
            let n = if self.chance(3)? { n + 1 } else { n };
            for j in 0..n {
                if j > 0 {
                    self.push(", ");
                }
                self.number()?;
            }
            self.push(")\n");
        }
        self.depth -= 1;
        Ok(())
    }

    fn effects(&mut self) -> Result<()> {
        let pad = "  ".repeat(self.depth + 1);
        for _ in 0..self.u.int_in_range(0..=u8::min(2, self.metrics * 2))? {
            let m = self.metric()?;
            let op = self.pick(&["+=", "-=", "*=", "="])?;
            self.push(&format!("{pad}{m} {op} "));
            self.expr(true)?;
            self.push("\n");
        }
        if self.chance(10)? {
            let l = self.pick(&LABELS)?;
            self.push(&format!("{pad}note {l}\n"));
        }
        Ok(())
    }

    /// A declared metric, mostly.
    fn metric(&mut self) -> Result<&'static str> {
        if self.metrics == 0 || self.chance(1)? {
            return self.pick(&["m0", "m1"]);
        }
        let all = ["m0", "m1"];
        self.pick(&all[..self.metrics as usize])
    }

    fn number(&mut self) -> Result<()> {
        let n = self.pick(&NUMBERS)?;
        self.push(n);
        Ok(())
    }

    /// An expression; `dists` allows distributions.
    fn expr(&mut self, dists: bool) -> Result<()> {
        let choice = self.u.int_in_range(0..=9u8)?;
        match choice {
            0..=2 => self.number(),
            3 if !self.lets.is_empty() || self.chance(2)? => {
                let n = if self.lets.is_empty() || self.chance(1)? {
                    self.pick(&NAMES)?
                } else {
                    let lets = self.lets.clone();
                    self.pick(&lets)?
                };
                self.push(n);
                Ok(())
            }
            4 if dists => {
                let d = self.pick(&[
                    "beta(2, 3)",
                    "normal(0, 1)",
                    "lognormal(0, 40)",
                    "uniform(-1e308, 1e308)",
                    "triangular(0, 1, 2)",
                    "pert(0, 5, 10)",
                    "beta(0.5, 0.5)",
                    "uniform(1, 0)",
                    "normal(mean = 1, sd = 0)",
                ])?;
                self.push(d);
                Ok(())
            }
            5 => {
                self.number()?;
                self.push(" to ");
                self.number()
            }
            6 => {
                let f = self.pick(&[
                    "hazard.within(0.5, 2)",
                    "odds.to_p(3)",
                    "odds.logit(0.75)",
                    "odds.expit(1e308)",
                    "pool.mean(0.1, 0.2)",
                    "pool.extremize(0.75, 2)",
                    "pool.geo_odds(0, 1)",
                ])?;
                self.push(f);
                Ok(())
            }
            _ if self.out.len() < 20_000 => {
                self.push("(");
                self.expr(dists)?;
                let op = self.pick(&[" + ", " - ", " * ", " / ", " ^ "])?;
                self.push(op);
                self.expr(dists)?;
                self.push(")");
                Ok(())
            }
            _ => self.number(),
        }
    }

    fn query(&mut self) -> Result<()> {
        if self.chance(60)? {
            self.push("P(");
            self.event()?;
            if self.chance(30)? {
                self.push(" | ");
                self.event()?;
            }
            self.push(")");
        } else if self.metrics > 0 || self.chance(3)? {
            let m = self.metric()?;
            self.push(&format!("E({m}"));
            if self.chance(30)? {
                self.push(" | ");
                self.event()?;
            }
            self.push(")");
        } else {
            self.number()?;
        }
        Ok(())
    }

    fn event(&mut self) -> Result<()> {
        match self.u.int_in_range(0..=6u8)? {
            0..=2 => {
                if self.ids.is_empty() || self.chance(3)? {
                    let id = self.pick(&IDS)?;
                    let i = self.u.int_in_range(0..=2u8)?;
                    self.push(&format!("{id}{i}"));
                } else {
                    let ids = self.ids.clone();
                    let id = self.u.choose(&ids)?.clone();
                    self.push(&id);
                }
            }
            3 => {
                let t = if self.tags.is_empty() || self.chance(3)? {
                    self.pick(&TAGS)?
                } else {
                    let tags = self.tags.clone();
                    self.pick(&tags)?
                };
                self.push(&format!("#{t}"));
                if self.chance(30)? {
                    let d = self.pick(&DATES)?;
                    self.push(&format!(" by {d}"));
                }
            }
            4 => {
                self.push("not ");
                self.event()?;
            }
            _ if self.out.len() < 20_000 => {
                self.push("(");
                self.event()?;
                let op = self.pick(&[" and ", " or "])?;
                self.push(op);
                self.event()?;
                self.push(")");
            }
            _ => self.push("a0"),
        }
        Ok(())
    }
}
