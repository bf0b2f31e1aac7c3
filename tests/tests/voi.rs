//! `scn voi` and the value-of-information analyses against values computed by hand: perfect
//! information about events (the oil wildcatter without the test: value 20, 55 knowing the
//! state, EVPI 35), its refusals, and EVPI / EVPPI of uncertain inputs from samples.

use std::path::Path;

use scn_cli::{Exit, Io};
use scn_eval::analysis::{self, VoiError};

/// Runs `scn ARGS...` in-process with `stdin`: exit code, stdout, stderr.
fn scn(args: &[&str], stdin: &str) -> (Exit, String, String) {
    let args: Vec<String> = std::iter::once("scn")
        .chain(args.iter().copied())
        .map(str::to_owned)
        .collect();
    let stdin = stdin.to_owned();
    let worker = std::thread::Builder::new()
        .stack_size(scn_dsl::LARGE_STACK)
        .spawn(move || {
            let (mut out, mut err) = (Vec::new(), Vec::new());
            let mut input = stdin.as_bytes();
            let code = scn_cli::run(
                &args,
                &mut Io {
                    stdin: &mut input,
                    stdout: &mut out,
                    stderr: &mut err,
                },
            );
            (
                code,
                String::from_utf8(out).unwrap(),
                String::from_utf8(err).unwrap(),
            )
        });
    worker.expect("spawn").join().expect("no panic")
}

fn close(got: f64, want: f64, tol: f64, what: &str) {
    assert!(
        (got - want).abs() <= tol,
        "{what}: got {got}, want {want} (± {tol})"
    );
}

/// The wildcatter without the test: drill (−70, then dry 0.5 / wet 0.3 +120 / soaking 0.2
/// +270) or stop (0). EMV(drill) = −35 + 15 + 40 = 20. Knowing the state first: dry → stop
/// (0), wet → drill (50), soaking → drill (200): 0.3 · 50 + 0.2 · 200 = 55. EVPI 35.
const WILDCATTER: &str = r#"
scenario wildcatter {
  metric pay = 0
  objective maximize pay
  option drill {
    pay -= 70
    branch dry p = 0.5 #dry
    branch wet p = 0.3 #wet { pay += 120 }
    branch soak p = rest #soak { pay += 270 }
  }
  option stop
}
"#;

fn voi_json(src: &str, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["voi", "-", "--format", "json"];
    all.extend_from_slice(args);
    let (code, out, err) = scn(&all, src);
    assert_eq!(code, Exit::Ok, "{err}");
    serde_json::from_str(&out).unwrap()
}

#[test]
fn perfect_information_about_the_wells_state() {
    let v = voi_json(
        WILDCATTER,
        &["--know", "#dry", "--know", "#wet", "--know", "#soak"],
    );
    let voi = &v["voi"];
    assert_eq!(voi["node"], "");
    close(voi["value"].as_f64().unwrap(), 20.0, 1e-9, "value");
    close(
        voi["with_information"].as_f64().unwrap(),
        55.0,
        1e-9,
        "with information",
    );
    close(voi["evpi"].as_f64().unwrap(), 35.0, 1e-9, "evpi");
    assert_eq!(voi["evppi"], serde_json::json!([]));
    let best: Vec<&str> = voi["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["best"].as_str().unwrap())
        .collect();
    assert_eq!(best, ["stop", "drill", "drill"]);
}

#[test]
fn knowing_one_event_splits_into_it_and_none() {
    // Dry (0.5): stop, 0. Not dry (0.5): E[drill | wet or soaking] = (0.3 · 50 + 0.2 · 200) /
    // 0.5 = 110. Value 0.5 · 110 = 55 again: only "dry or not" matters to the choice.
    let v = voi_json(WILDCATTER, &["--know", "drill.dry"]);
    let voi = &v["voi"];
    close(
        voi["with_information"].as_f64().unwrap(),
        55.0,
        1e-9,
        "with information",
    );
    let cells = voi["cells"].as_array().unwrap();
    assert_eq!(cells.len(), 2);
    assert_eq!(cells[1]["event"], serde_json::Value::Null);
    close(
        cells[1]["value"].as_f64().unwrap(),
        110.0,
        1e-9,
        "none of them",
    );
    assert_eq!(voi["informed"], serde_json::json!(["drill"]));
}

#[test]
fn the_library_wildcatter_at_its_inner_decision() {
    // The library's tree, at the decision without the test: the same 20, 55 and 35.
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/decision/oil-wildcatter.scn");
    let path = path.to_str().unwrap();
    let args = [
        "voi",
        path,
        "--decision",
        "no_test",
        "--know",
        "#dry",
        "--know",
        "#wet",
        "--know",
        "#soak",
    ];
    let (code, out, err) = scn(&args, "");
    assert_eq!(code, Exit::Ok, "{err}");
    insta::assert_snapshot!("voi_wildcatter_no_test", out);
    // At the root the same events are not independent of the choice: with the test, a dry
    // hole is drilled only after a reading that says drill.
    let (code, _, err) = scn(
        &[
            "voi", path, "--know", "#dry", "--know", "#wet", "--know", "#soak",
        ],
        "",
    );
    assert_eq!(code, Exit::Usage);
    assert!(
        err.contains(
            "event 1 (`#dry`) depends on the choice: 0.5 under `no_test`, 0.2 under `seismic`"
        ),
        "{err}"
    );
}

#[test]
fn events_that_depend_on_the_choice_or_overlap_are_refused() {
    let src = r#"
scenario r {
  metric pay = 0
  objective maximize pay
  option a {
    branch x p = 0.3 #rain { pay += 1 }
    branch y p = rest
  }
  option b {
    branch x p = 0.6 #rain { pay += 2 }
    branch y p = rest
  }
}
"#;
    let loaded = scn_eval::load("r.scn", src.to_owned(), Path::new("."), None);
    let event = scn_dsl::parse_event("#rain", scn_dsl::FileId(0)).unwrap();
    let mut model = scn_eval::resolve_given(&loaded, &[(scn_dsl::FileId(0), event)]).unwrap();
    let known = model.observe.split_off(0);
    model.given = 0;
    let ev = scn_eval::evaluate(model).unwrap();
    match analysis::voi_events(&ev, 0, &known) {
        Err(VoiError::Disagree { first, second, .. }) => {
            assert_eq!((first.0.as_str(), second.0.as_str()), ("a", "b"));
            close(first.1, 0.3, 1e-12, "P(rain | a)");
            close(second.1, 0.6, 1e-12, "P(rain | b)");
        }
        other => panic!("{other:?}"),
    }
    let (code, _, err) = scn(&["voi", "-", "--know", "#rain", "--know", "a.x"], src);
    assert_eq!(code, Exit::Usage);
    assert!(err.contains("overlap under the option `a`"), "{err}");
}

#[test]
fn voi_usage_errors() {
    let (code, _, err) = scn(&["voi", "-"], WILDCATTER);
    assert_eq!(code, Exit::Usage);
    assert!(err.contains("--know EVENT"), "{err}");
    let (code, _, err) = scn(
        &["voi", "-", "--know", "#dry", "--samples", "10"],
        WILDCATTER,
    );
    assert_eq!(code, Exit::Usage);
    assert!(err.contains("give one"), "{err}");
    let (code, _, err) = scn(
        &["voi", "-", "--decision", "drill", "--know", "#dry"],
        WILDCATTER,
    );
    assert_eq!(code, Exit::Usage);
    assert!(err.contains("--decision drill: no decision"), "{err}");
    let (code, _, err) = scn(
        &["voi", "-", "--samples", "10"],
        "scenario x { branch a p = 1 }",
    );
    assert_eq!(code, Exit::Usage);
    assert!(err.contains("no decision"), "{err}");
    // A --know that does not parse, or names nothing, is a diagnostic pointing into it.
    let (code, _, err) = scn(&["voi", "-", "--know", "nowhere"], WILDCATTER);
    assert_eq!(code, Exit::Invalid);
    assert!(err.contains("<know 1>:1:1"), "{err}");
}

/// Option a pays 10w, w = uniform(0, 1); b pays 5. EVPI = E[max(10w, 5)] − 5
/// = 0.5 · 5 + ∫_{0.5}^{1} 10w dw − 5 = 2.5 + 3.75 − 5 = 1.25; w is the only input, so its
/// EVPPI is the same.
#[test]
fn evpi_of_an_uncertain_input_by_hand() {
    let src = r#"
scenario u {
  metric pay = 0
  objective maximize pay
  let w = uniform(0, 1)
  option a { pay += 10 * w }
  option b { pay += 5 }
}
"#;
    let v = voi_json(src, &["--samples", "100000", "--seed", "3"]);
    let voi = &v["voi"];
    close(voi["evpi"].as_f64().unwrap(), 1.25, 0.03, "evpi");
    let evppi = voi["evppi"].as_array().unwrap();
    assert_eq!(evppi.len(), 1);
    assert_eq!(evppi[0]["input"], "w");
    close(
        evppi[0]["value"].as_f64().unwrap(),
        1.25,
        0.03,
        "evppi of w",
    );
    assert_eq!(voi["samples"]["used"], 100_000);
}

/// A decision below `branch sig p = w` is taken only where sig happened, which makes w's
/// density 2w there: bet (10w) is worth 10 · 2/3 = 6.667 against keep's 6, and with w known
/// E[max(10w, 6)] = ∫₀^0.6 6 · 2w dw + ∫_0.6^1 10w · 2w dw = 2.16 + 5.2267 = 7.3867, so
/// EVPI = 0.72. Unweighted, bet would be worth 5 and keep chosen, with EVPI 0.8.
/// Under an option, the same decision is analysed as if that option were chosen.
#[test]
fn evpi_at_a_decision_below_an_uncertain_branch_by_hand() {
    for wrap in [false, true] {
        let body = "branch sig p = w {
    option bet { pay += 10 * w }
    option keep { pay += 6 }
  }
  branch nosig p = rest";
        let tree = if wrap {
            // `other` is chosen at the root (7 > anything below), `try` is not.
            format!("option try {{\n  {body}\n  }}\n  option other {{ pay += 7 }}")
        } else {
            body.to_owned()
        };
        let src = format!(
            "scenario vw {{\n  metric pay = 0\n  objective maximize pay\n  let w = uniform(0, 1)\n  {tree}\n}}\n"
        );
        let at = if wrap { "try.sig" } else { "sig" };
        let v = voi_json(
            &src,
            &["--decision", at, "--samples", "200000", "--seed", "5"],
        );
        let voi = &v["voi"];
        close(voi["value"].as_f64().unwrap(), 20.0 / 3.0, 0.02, "bet");
        close(
            voi["with_information"].as_f64().unwrap(),
            7.3867,
            0.02,
            "with w known",
        );
        close(voi["evpi"].as_f64().unwrap(), 0.72, 0.01, "evpi");
    }
}

/// a pays 10w + 2v (w, v uniform(0, 1)), b pays 6 (E[a] = 6). EVPPI(w) = E[max(10w + 1, 6)]
/// − 6 = ∫_{0.5}^{1} (10w − 5) dw = 1.25; EVPPI(v) = E[max(5 + 2v, 6)] − 6 = ∫_{0.5}^{1} (2v − 1)
/// dv = 0.25; EVPI = E[(10w + 2v − 6)⁺] = ∫₀¹ 5 (0.4 + 0.2v)² dv = (5 / 0.6)(0.216 − 0.064)
/// = 1.26667. A minimising twin (costs negated) gives the same improvements.
#[test]
fn evppi_of_two_inputs_by_hand() {
    for (dir, sign) in [("maximize", ""), ("minimize", "-")] {
        let src = format!(
            r#"
scenario two {{
  metric pay = 0
  objective {dir} pay
  let w = uniform(0, 1)
  let v = uniform(0, 1)
  option a {{ pay += {sign}(10 * w + 2 * v) }}
  option b {{ pay += {sign}6 }}
}}
"#
        );
        let v = voi_json(&src, &["--samples", "200000", "--seed", "9"]);
        let voi = &v["voi"];
        close(voi["evpi"].as_f64().unwrap(), 1.26667, 0.03, "evpi");
        let evppi: Vec<(&str, f64)> = voi["evppi"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["input"].as_str().unwrap(), e["value"].as_f64().unwrap()))
            .collect();
        assert_eq!(evppi[0].0, "w", "{dir}: largest first");
        close(evppi[0].1, 1.25, 0.03, "evppi of w");
        assert_eq!(evppi[1].0, "v");
        close(evppi[1].1, 0.25, 0.03, "evppi of v");
    }
}

#[test]
fn voi_text_of_the_library_wildcatter_sampled() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/decision/oil-wildcatter.scn");
    let args = [
        "voi",
        path.to_str().unwrap(),
        "--samples",
        "20000",
        "--seed",
        "1",
    ];
    let (code, out, err) = scn(&args, "");
    assert_eq!(code, Exit::Ok, "{err}");
    let (_, again, _) = scn(&args, "");
    assert_eq!(out, again, "same seed, same bytes");
    insta::assert_snapshot!("voi_wildcatter_samples", out);
}

/// Under evidence the samples weigh P(h) = w, so w's posterior density is 2w. Option a pays
/// 10w, b pays 5: value max(E[10w], 5) = ∫ 10w · 2w dw = 20/3; with information
/// E[max(10w, 5)] = ∫₀^½ 5 · 2w dw + ∫_½^1 10w · 2w dw = 1.25 + 35/6 = 85/12; EVPI = 85/12 −
/// 80/12 = 5/12 = 0.41667.
#[test]
fn evpi_under_evidence_weights() {
    let src = r#"
scenario e {
  metric pay = 0
  objective maximize pay
  let w = uniform(0, 1)
  option a {
    pay += 10 * w
    branch h p = w #h
    branch t p = rest
  }
  option b {
    pay += 5
    branch h p = w #h
    branch t p = rest
  }
  observe #h
}
"#;
    let v = voi_json(src, &["--samples", "200000", "--seed", "4"]);
    let voi = &v["voi"];
    close(voi["value"].as_f64().unwrap(), 20.0 / 3.0, 0.02, "value");
    close(
        voi["with_information"].as_f64().unwrap(),
        85.0 / 12.0,
        0.02,
        "with information",
    );
    close(voi["evpi"].as_f64().unwrap(), 5.0 / 12.0, 0.01, "evpi");
    assert!(voi["samples"]["ess"].as_f64().unwrap() < 200_000.0 * 0.9);
}

/// A branch may share its id with the scenario: `--decision sig` then means the decision
/// at that branch (the scenario's id names the root only when no node has that path).
#[test]
fn a_decision_under_a_branch_named_like_the_scenario() {
    let src = "scenario sig {\n  metric pay = 0\n  objective maximize pay\n  let w = uniform(0, 1)\n  \
               branch sig p = w { option bet { pay += 10 * w }  option keep { pay += 6 } }\n  \
               branch nosig p = rest\n}\n";
    let doc = voi_json(src, &["--samples", "2000", "--decision", "sig"]);
    assert_eq!(doc["voi"]["node"], "sig", "{doc}");
    let (exit, _, stderr) = scn(&["sens", "-", "--forecast", "sig"], src);
    assert_eq!(exit, Exit::Ok, "{stderr}");
}

/// EVPPI costs a pass over the samples per uncertain let and option: past the work allowed,
/// the last lets are left out and the first keep the values of the full run. Two options ×
/// 1,000 samples per let, and room for one let.
#[test]
fn evppi_leaves_out_the_last_lets_past_the_work_allowed() {
    let src = "scenario many {\n  metric v = 0\n  objective maximize v\n  let x = normal(0, 1)\n  \
               let y = normal(0, 1)\n  let z = normal(0, 1)\n  option a { v += x + y + z }\n  \
               option b { v += 0 }\n}\n";
    let loaded = scn_eval::load("m.scn", src.to_owned(), Path::new("."), None);
    let model = scn_eval::resolve(&loaded).unwrap_or_else(|d| panic!("{d:?}"));
    let ev = scn_eval::evaluate(model).unwrap_or_else(|d| panic!("{d:?}"));
    let samples = scn_eval::sample(
        &ev,
        &scn_eval::SampleOptions {
            samples: 1_000,
            seed: 4,
            keep_rows: true,
            ..Default::default()
        },
    )
    .unwrap();
    let node = ev.decisions()[0].node;
    let full = analysis::voi_inputs(&ev, &samples, node).unwrap();
    let part = analysis::voi_inputs_within(&ev, &samples, node, 2_000).unwrap();
    assert_eq!((full.evppi.len(), full.left_out), (3, 0));
    assert_eq!((part.evppi.len(), part.left_out), (1, 2));
    let name = |l: u32| ev.model().lets[l as usize].name.as_str();
    assert_eq!(name(part.evppi[0].0), "x");
    assert!(full.evppi.contains(&part.evppi[0]));
    assert_eq!(part.evpi, full.evpi);
}
