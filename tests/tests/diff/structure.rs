//! The list of edits: what is matched with what, and what each change records.

use scn_eval::diff::{Change, ChangeKind, Item, Shown};

use super::compare;

/// `kind item path what` for each edit, in order.
fn summary(changes: &[Change]) -> Vec<String> {
    changes
        .iter()
        .map(|c| {
            format!(
                "{} {} {} {}",
                c.kind.as_str(),
                c.item.as_str(),
                c.path,
                c.what
            )
        })
        .collect()
}

#[test]
fn every_kind_of_edit() {
    let old = r#"scenario s "Old title" {
      as_of 2025-01-01
      source poll "A poll"
      source old_news "Old news"
      let x = 0.5
      let gone = 3
      metric cost "Cost" unit "$" = 0
      metric dropped = 1
      branch a "A" p = 0.4 at 2025-06 #t1 cite poll {
        cost += 5
        branch a1 p = 0.5
        branch a2 p = rest
      }
      branch b p = rest {
        branch old_name p = 0.2 { branch deep p = 1 }
        branch b2 p = rest
      }
      forecast pa "P(a)" = P(a)
      forecast ec = E(cost)
      forecast dropped_f = P(b)
    }"#;
    let new = r#"scenario s "New title" {
      as_of 2025-02-01
      source poll "A newer poll"
      source fresh "Fresh news"
      let x = 0.6
      let added = 4
      metric cost "Costs" unit "€" = 1
      metric extra = 2
      branch a "A!" p = 0.45 at 2025-07 #t1 #t2 cite poll, fresh {
        cost += 6
        branch a1 p = 0.5
        branch a2 p = rest
      }
      branch b p = rest {
        branch new_name p = 0.2 { branch deep p = 1 }
        branch b2 p = rest
      }
      forecast pa "P(a) now" = P(a.a1)
      forecast ec = E(cost)
      forecast new_f = P(b)
    }"#;
    let d = compare(old, new);
    assert_eq!(
        summary(&d.structure),
        [
            "changed scenario s title",
            "changed scenario s as_of",
            "changed let x expression",
            "added let added let",
            "removed let gone let",
            "changed metric cost initial value",
            "changed metric cost label",
            "changed metric cost unit",
            "added metric extra metric",
            "removed metric dropped metric",
            "changed source poll text",
            "added source fresh source",
            "removed source old_news source",
            "changed branch a probability",
            "changed branch a date",
            "changed branch a tags",
            "changed branch a label",
            "changed branch a sources",
            "changed branch a effects",
            // A renamed branch is one added and one removed, its subtree with it.
            "added branch b.new_name branch",
            "removed branch b.old_name branch",
            "changed forecast pa expression",
            "changed forecast pa label",
            "added forecast new_f forecast",
            "removed forecast dropped_f forecast",
        ]
    );
    let get = |what: &str, path: &str| {
        d.structure
            .iter()
            .find(|c| c.what == what && c.path == path)
            .unwrap_or_else(|| panic!("no {what} change at {path}"))
    };
    let p = get("probability", "a");
    assert_eq!(
        (&p.old, &p.new),
        (&Shown::Number(0.4), &Shown::Number(0.45))
    );
    assert_eq!(p.old_text.as_deref(), Some("0.4"));
    // A month means its last day.
    let date = get("date", "a");
    assert_eq!(
        (&date.old, &date.new),
        (
            &Shown::Text("2025-06-30".into()),
            &Shown::Text("2025-07-31".into())
        )
    );
    let tags = get("tags", "a");
    assert_eq!(tags.new, Shown::List(vec!["t1".into(), "t2".into()]));
    let effects = get("effects", "a");
    assert_eq!(effects.old, Shown::List(vec!["cost += 5".into()]));
    assert_eq!(effects.new, Shown::List(vec!["cost += 6".into()]));
    let renamed = get("branch", "b.new_name");
    assert_eq!(renamed.kind, ChangeKind::Added);
    assert_eq!(renamed.item, Item::Branch);
    assert_eq!(renamed.below, 1);
    assert_eq!(renamed.new, Shown::Number(0.2));
    // The forecast pa: P(a) 0.4 → P(a.a1) 0.45 · 0.5.
    let pa = get("expression", "pa");
    assert_eq!(pa.new, Shown::Number(0.225));
    assert_eq!(pa.new_text.as_deref(), Some("P(a.a1)"));
    // x is the only input: the probability of `a` is written, so it is one too.
    let names: Vec<&str> = d.inputs.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["x", "a"]);
}

/// Layout, comments, `50%` for `0.5` and a let moved in the file change nothing.
#[test]
fn the_same_scenario_written_differently_has_no_edits() {
    let old = "scenario s {
      let x = 0.5
      let y = x * 2
      branch a p = x { branch a1 p = 50% branch a2 p = rest }
      branch b p = rest
      forecast f = P(a.a1) + y
    }";
    let new = "// a comment
    scenario s {
      let x = 0.5
      let y = x*2   // same
      branch a p = x {
        branch a1 p = 0.5
        branch a2 p = rest
      }
      branch b p = rest
      forecast f = P(a.a1)+y
    }";
    let d = compare(old, new);
    assert!(d.structure.is_empty(), "{:?}", summary(&d.structure));
    assert!(d.inputs.is_empty());
}

/// A let that moved to read another let changed; a name that now means another let does.
#[test]
fn names_are_compared_through_the_matching() {
    let old = "scenario s {
      let x = 0.2
      let z = 0.2
      branch a p = x
      branch b p = rest
      forecast pa = P(a)
    }";
    let new = old.replace("branch a p = x", "branch a p = z");
    let d = compare(old, &new);
    assert_eq!(summary(&d.structure), ["changed branch a probability"]);
    // Same value, but a different expression: an input with a share of 0.
    assert_eq!(d.inputs.len(), 1);
    assert_eq!(d.inputs[0].old_text, "x");
    assert_eq!(d.inputs[0].new_text, "z");
}

/// A branch that becomes an option is a different node.
#[test]
fn a_branch_that_becomes_an_option_is_removed_and_added() {
    let old = "scenario s {
      metric v = 0
      objective maximize v
      branch go p = 0.5 { v += 1 }
      branch stay p = rest
    }";
    let new = "scenario s {
      metric v = 0
      objective maximize v
      option go { v += 1 }
      option stay
    }";
    let d = compare(old, new);
    assert_eq!(
        summary(&d.structure),
        [
            "added option go option",
            "added option stay option",
            "removed branch go branch",
            "removed branch stay branch"
        ]
    );
}
