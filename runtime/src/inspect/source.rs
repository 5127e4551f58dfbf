//! Writing the models as Rust source, laid out as rustfmt lays it out, so
//! the file needs no reformatting.

use std::fmt::Write as _;

/// rustfmt's default line width.
const MAX_WIDTH: usize = 100;
const INDENT: &str = "    ";

/// One item inside `#[model(...)]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Item {
    /// A bare word: a flag (`primary_key`) or a field in a list.
    Word(String),
    /// `key = "text"`, the text written as a Rust string literal.
    Str(&'static str, String),
    /// `key = false`.
    Bool(&'static str, bool),
    /// `key(item, item, ...)`.
    List(&'static str, Vec<Item>),
}

impl Item {
    fn render(&self) -> String {
        match self {
            Self::Word(w) => w.clone(),
            Self::Str(key, text) => format!("{key} = {}", rust_string(text)),
            Self::Bool(key, value) => format!("{key} = {value}"),
            Self::List(key, items) => format!("{key}({})", join(items)),
        }
    }
}

fn join(items: &[Item]) -> String {
    let rendered: Vec<String> = items.iter().map(Item::render).collect();
    rendered.join(", ")
}

/// One model: the notes above it, its struct attributes (one
/// `#[model(...)]` each) and its fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Model {
    pub(super) notes: Vec<String>,
    pub(super) name: String,
    pub(super) attrs: Vec<Item>,
    pub(super) fields: Vec<Field>,
}

/// One field: the notes above it, its attributes (in one `#[model(...)]`),
/// its identifier and its type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Field {
    pub(super) notes: Vec<String>,
    pub(super) attrs: Vec<Item>,
    pub(super) ident: String,
    pub(super) ty: String,
}

/// The source of one model.
pub(super) fn model(m: &Model) -> String {
    let mut out = String::new();
    comments(&mut out, "", &wrap("", &m.notes));
    out.push_str("#[derive(Debug, Clone, PartialEq, stillroom::Model)]\n");
    if repeats_an_item(&m.attrs) {
        out.push_str(ALLOW_REPEATS);
    }
    for item in &m.attrs {
        attribute(&mut out, "", std::slice::from_ref(item));
    }
    if m.fields.is_empty() {
        let _ = writeln!(out, "pub struct {} {{}}", m.name);
        return out;
    }
    let _ = writeln!(out, "pub struct {} {{", m.name);
    for f in &m.fields {
        comments(&mut out, INDENT, &wrap(INDENT, &f.notes));
        if !f.attrs.is_empty() {
            attribute(&mut out, INDENT, &f.attrs);
        }
        let line = format!("{INDENT}pub {}: {},", f.ident, f.ty);
        if width(&line) <= MAX_WIDTH {
            let _ = writeln!(out, "{line}");
        } else {
            let _ = writeln!(out, "{INDENT}pub {}:\n{INDENT}{INDENT}{},", f.ident, f.ty);
        }
    }
    out.push_str("}\n");
    out
}

/// Clippy's `duplicated_attributes` takes a field named in two lists of a
/// struct (`index(a, b)`, `index(a)`) for a repeated attribute.
const ALLOW_REPEATS: &str =
    "#[allow(clippy::duplicated_attributes, reason = \"a field may be named in two lists\")]\n";

/// Whether two of a struct's attribute items look the same to clippy's
/// `duplicated_attributes`: same path from `model`, and the same string
/// value if any (raw identifiers count as their names).
fn repeats_an_item(attrs: &[Item]) -> bool {
    fn keys(parent: &str, item: &Item, out: &mut Vec<String>) {
        match item {
            Item::Word(w) => out.push(format!("{parent}:{}", w.trim_start_matches("r#"))),
            Item::Str(key, value) => out.push(format!("{parent}:{key}={value}")),
            Item::Bool(key, _) => out.push(format!("{parent}:{key}")),
            Item::List(key, items) => {
                let path = format!("{parent}:{key}");
                for i in items {
                    keys(&path, i, out);
                }
            }
        }
    }
    let mut all = Vec::new();
    for item in attrs {
        keys("model", item, &mut all);
    }
    let count = all.len();
    all.sort();
    all.dedup();
    all.len() != count
}

/// `#[model(items)]` on one line when it fits, else one item a line; a
/// single list item keeps its opening on the first line (`#[model(index(`).
fn attribute(out: &mut String, indent: &str, items: &[Item]) {
    let line = format!("{indent}#[model({})]", join(items));
    if width(&line) <= MAX_WIDTH {
        let _ = writeln!(out, "{line}");
        return;
    }
    let inner = format!("{indent}{INDENT}");
    let (open, close, items) = match items {
        [Item::List(key, list)] => (format!("{key}("), ")", list.as_slice()),
        _ => (String::new(), "", items),
    };
    let lines: Vec<String> = items
        .iter()
        .map(|i| format!("{inner}{}", i.render()))
        .collect();
    let _ = writeln!(out, "{indent}#[model({open}");
    let _ = writeln!(out, "{}", lines.join(",\n"));
    let _ = writeln!(out, "{indent}{close})]");
}

/// `notes` broken into lines that fit the width after `indent` and `// `,
/// between words (a longer word keeps its own line).
pub(super) fn wrap(indent: &str, notes: &[String]) -> Vec<String> {
    let room = MAX_WIDTH.saturating_sub(width(indent) + 3);
    let mut lines = Vec::new();
    for note in notes {
        let mut line = String::new();
        for word in note.split(' ').filter(|w| !w.is_empty()) {
            if !line.is_empty() && width(&line) + 1 + width(word) > room {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
}

/// Comment lines, each note's lines after `// `.
pub(super) fn comments(out: &mut String, indent: &str, notes: &[String]) {
    for note in notes {
        for line in note.split('\n') {
            let text = comment_text(line.strip_suffix('\r').unwrap_or(line));
            let text = text.trim_end();
            if text.is_empty() {
                let _ = writeln!(out, "{indent}//");
            } else {
                let _ = writeln!(out, "{indent}// {text}");
            }
        }
    }
}

/// The width rustfmt counts, close enough: one per character.
fn width(line: &str) -> usize {
    line.chars().count()
}

/// Characters that may not appear as they are: control characters (a line
/// break would end a comment) and the bidirectional overrides rustc refuses
/// in comments and literals.
fn must_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Text for a comment line: every character that must not appear as it is,
/// written as `\u{..}`.
pub(super) fn comment_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if must_escape(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// `text` as a Rust string literal that means exactly `text`: plain when
/// nothing needs escaping, raw (`r#"..."#`) when only quotes or backslashes
/// do, escaped when a character must be.
pub(super) fn rust_string(text: &str) -> String {
    if text.chars().any(must_escape) {
        return escaped(text);
    }
    if !text.contains(['"', '\\']) {
        return format!("\"{text}\"");
    }
    // A raw string ends at the first `"` followed by as many `#` as opened it.
    let mut hashes = 0;
    for (i, _) in text.match_indices('"') {
        let run = text[i + 1..].chars().take_while(|&c| c == '#').count();
        hashes = hashes.max(run + 1);
    }
    let fence = "#".repeat(hashes);
    format!("r{fence}\"{text}\"{fence}")
}

fn escaped(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if must_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_literals() {
        assert_eq!(rust_string("'queued'"), r#""'queued'""#);
        assert_eq!(
            rust_string(r#""done" IN (0, 1)"#),
            r##"r#""done" IN (0, 1)"#"##
        );
        assert_eq!(rust_string(r"'a\b'"), r#"r"'a\b'""#);
        assert_eq!(rust_string("'\"#'"), "r##\"'\"#'\"##");
        assert_eq!(rust_string("a\nb\"\\\u{202E}"), r#""a\nb\"\\\u{202e}""#);
    }

    #[test]
    fn comments_cannot_end_early() {
        let mut out = String::new();
        comments(&mut out, "    ", &["a\rb  \n\nc\u{2066}".into()]);
        assert_eq!(out, "    // a\\u{d}b\n    //\n    // c\\u{2066}\n");
    }

    #[test]
    fn notes_wrap_between_words() {
        let note = format!("{} {} {}", "a".repeat(60), "b".repeat(40), "c".repeat(120));
        let lines = wrap("    ", &[note, "d".into()]);
        assert_eq!(
            lines,
            ["a".repeat(60), "b".repeat(40), "c".repeat(120), "d".into()]
        );
        let lines = wrap("", &["x".repeat(50) + " " + &"y".repeat(46)]);
        assert_eq!(lines, ["x".repeat(50) + " " + &"y".repeat(46)]);
    }

    #[test]
    fn repeats_as_clippy_sees_them() {
        let list = |key, words: &[&str]| {
            Item::List(key, words.iter().map(|w| Item::Word((*w).into())).collect())
        };
        assert!(repeats_an_item(&[
            list("index", &["a", "b"]),
            list("index", &["a"])
        ]));
        assert!(repeats_an_item(&[
            list("index", &["r#name"]),
            list("index", &["name"])
        ]));
        assert!(!repeats_an_item(&[
            list("index", &["a"]),
            list("unique", &["a"])
        ]));
        let fk = |col: &str| {
            Item::List(
                "foreign_key",
                vec![
                    Item::Word(col.into()),
                    Item::Str("on_delete", "cascade".into()),
                ],
            )
        };
        assert!(repeats_an_item(&[fk("a"), fk("b")]));
        assert!(!repeats_an_item(&[
            Item::Str("check", "a > 0".into()),
            Item::Str("check", "b > 0".into())
        ]));
    }

    #[test]
    fn long_attributes_wrap_as_rustfmt_does() {
        let mut out = String::new();
        let check = Item::Str("check", "x".repeat(90));
        attribute(
            &mut out,
            "    ",
            &[Item::Word("primary_key".into()), check.clone()],
        );
        assert_eq!(
            out,
            format!(
                "    #[model(\n        primary_key,\n        check = \"{}\"\n    )]\n",
                "x".repeat(90)
            )
        );
        let mut out = String::new();
        let list = Item::List(
            "index",
            vec![Item::Word("a".repeat(50)), Item::Word("b".repeat(50))],
        );
        attribute(&mut out, "", &[list]);
        assert_eq!(
            out,
            format!(
                "#[model(index(\n    {},\n    {}\n))]\n",
                "a".repeat(50),
                "b".repeat(50)
            )
        );
    }
}

#[cfg(test)]
mod no_panic {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Names and SQL from any database: a comment line stays one line,
        /// and a string literal is one token that closes where it ends.
        #[test]
        fn any_text(text in "(?s)[\\PC\\p{Cc}\u{202E}\"#\\\\]{0,40}") {
            prop_assert!(!comment_text(&text).chars().any(must_escape));
            let literal = rust_string(&text);
            prop_assert!(!literal.chars().any(must_escape), "{literal}");
            if let Some(raw) = literal.strip_prefix('r') {
                let hashes = raw.chars().take_while(|&c| c == '#').count();
                let body = &raw[hashes + 1..];
                let close = format!("\"{}", "#".repeat(hashes));
                prop_assert_eq!(body.find(&close), Some(body.len() - close.len()));
            }
        }
    }
}
