//! The function reference in `docs/reference/functions.md` is generated from the function
//! table, so that the docs list exactly the functions scn has. `SCN_BLESS=1` rewrites it.

const DOC: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../docs/reference/functions.md"
);
const START: &str =
    "Regenerate with SCN_BLESS=1 cargo test -p scn-tests --test function_reference. -->\n\n";
const END: &str = "<!-- end of generated tables -->";

#[test]
fn the_docs_list_every_built_in_function() {
    let text = std::fs::read_to_string(DOC).expect("docs/reference/functions.md exists");
    let start = text.find(START).expect("the start marker") + START.len();
    let end = text.find(END).expect("the end marker");
    let want = scn_eval::function_reference();
    if text[start..end] == want {
        return;
    }
    if std::env::var_os("SCN_BLESS").is_some() {
        let fresh = format!("{}{want}{}", &text[..start], &text[end..]);
        std::fs::write(DOC, fresh).expect("write the reference");
        return;
    }
    panic!(
        "docs/reference/functions.md is out of date with the function table; \
         run SCN_BLESS=1 cargo test -p scn-tests --test function_reference"
    );
}
