//! The SQL text of `default = "..."` and `check = "..."` in a form the
//! derive accepts and that compares equal to the database's.
//!
//! The derive checks this text at compile time (`stillroom-macros`,
//! `sql.rs`): a default must be one literal or wrapped in parentheses, and no
//! SQL may hold a comment. Its rules are repeated here; the compiled round
//! trip in the tests (`tests/tests/it/inspect.rs`) fails if they drift.

use crate::dialect::sqlite::sql_text;
use crate::schema::quote_literal;

/// The text for `default = "..."`: the introspected default when the derive
/// takes it as it is, else the same expression in parentheses (the diff
/// compares defaults without their outer parentheses, so both are equal).
pub(super) fn default_text(default: &str) -> String {
    let text = if has_comment(default) {
        sql_text::canonical(sql_text::strip_outer_parens(default))
    } else {
        default.trim().to_owned()
    };
    if is_derive_literal(&text) || is_wrapped(&text) {
        text
    } else {
        format!("({text})")
    }
}

/// A default written as a double-quoted name (`DEFAULT "dq"`), which SQLite
/// takes for the string `'dq'`, as that string literal. The derive does not
/// take the double-quoted form, and in parentheses SQLite would read it as a
/// column; the diff compares the spelling, so the two differ.
pub(super) fn double_quoted_string(default: &str) -> Option<String> {
    match sql_text::tokenize(default).as_slice() {
        [t @ sql_text::Token::Quoted(q)] if q.starts_with('"') => Some(quote_literal(&t.name())),
        _ => None,
    }
}

/// The text for `check = "..."`: as written, or in canonical spelling when
/// it holds a comment (the diff compares the canonical spelling).
pub(super) fn expression_text(expression: &str) -> String {
    if has_comment(expression) {
        sql_text::canonical(expression)
    } else {
        expression.to_owned()
    }
}

/// Whether `sql` holds `--` or `/*` outside quotes.
fn has_comment(sql: &str) -> bool {
    let bytes = sql.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            q @ (b'\'' | b'"' | b'`') => i = closing(bytes, i + 1, q),
            b'[' => i = closing(bytes, i + 1, b']'),
            b'-' if bytes.get(i + 1) == Some(&b'-') => return true,
            b'/' if bytes.get(i + 1) == Some(&b'*') => return true,
            _ => {}
        }
        i += 1;
    }
    false
}

/// The index of the `close` that ends a quote opened before `from` (a
/// doubled one is escaped), or the end of the text.
fn closing(bytes: &[u8], from: usize, close: u8) -> usize {
    let mut i = from;
    while i < bytes.len() {
        if bytes[i] == close {
            if close != b']' && bytes.get(i + 1) == Some(&close) {
                i += 2;
                continue;
            }
            return i;
        }
        i += 1;
    }
    bytes.len()
}

/// Whether all of `text` is one parenthesised expression: the `(` it starts
/// with closes at its end.
fn is_wrapped(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.first() != Some(&b'(') {
        return false;
    }
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            q @ (b'\'' | b'"' | b'`') => i = closing(bytes, i + 1, q),
            b'[' => i = closing(bytes, i + 1, b']'),
            b'(' => depth += 1,
            b')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i == bytes.len() - 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    false
}

/// The literals the derive takes without parentheses: a keyword, a number
/// (signed, decimal or hex), a string or a blob.
fn is_derive_literal(text: &str) -> bool {
    const KEYWORDS: [&str; 6] = [
        "NULL",
        "TRUE",
        "FALSE",
        "CURRENT_TIME",
        "CURRENT_DATE",
        "CURRENT_TIMESTAMP",
    ];
    KEYWORDS.iter().any(|k| text.eq_ignore_ascii_case(k))
        || is_number(text)
        || is_string(text)
        || text
            .strip_prefix(['x', 'X'])
            .is_some_and(|body| is_string(body) && is_hex(&body[1..body.len() - 1]))
}

fn is_number(text: &str) -> bool {
    let t = text.strip_prefix(['-', '+']).unwrap_or(text);
    if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit());
    }
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    let digits = mantissa.chars().filter(char::is_ascii_digit).count();
    let mantissa_ok = digits > 0
        && mantissa.chars().all(|c| c.is_ascii_digit() || c == '.')
        && mantissa.matches('.').count() <= 1;
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
    });
    mantissa_ok && exponent_ok
}

/// One string literal and nothing else.
fn is_string(text: &str) -> bool {
    text.len() >= 2
        && text.starts_with('\'')
        && text.ends_with('\'')
        && !text[1..text.len() - 1].replace("''", "").contains('\'')
}

fn is_hex(text: &str) -> bool {
    text.len().is_multiple_of(2) && text.chars().all(|c| c.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_the_derive_takes_stay_as_they_are() {
        for d in [
            "'queued'",
            "0",
            "-1",
            "+2.5",
            "1e10",
            "0x1F",
            "NULL",
            "CURRENT_TIMESTAMP",
            "'it''s'",
            "X'00FF'",
            "(lower('A'))",
            "('a' || ')')",
        ] {
            assert_eq!(default_text(d), d);
        }
    }

    #[test]
    fn other_defaults_are_wrapped_or_respelled() {
        assert_eq!(default_text("- 1"), "(- 1)");
        assert_eq!(default_text("(1) + (2)"), "((1) + (2))");
        assert_eq!(default_text("(1 /* one */)"), "1");
        assert_eq!(default_text("(1 + 2 /* three */)"), "(1 + 2)");
        assert_eq!(default_text("'--' -- dash"), "'--'");
    }

    #[test]
    fn double_quoted_strings() {
        assert_eq!(double_quoted_string("\"it's\""), Some("'it''s'".into()));
        assert_eq!(double_quoted_string("'x'"), None);
        assert_eq!(double_quoted_string("(\"x\")"), None);
    }

    #[test]
    fn checks_with_comments_are_respelled() {
        assert_eq!(expression_text("a > 0 -- positive\n"), "A > 0");
        assert_eq!(expression_text("a <> '--'"), "a <> '--'");
        assert_eq!(expression_text("[a--b] > 0"), "[a--b] > 0");
    }
}

#[cfg(test)]
mod no_panic {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Defaults and checks come from any database: no text may make
        /// them panic.
        #[test]
        fn any_text(text in "(?s)[\\PC\n\"'`\\[\\]()-/*;]{0,60}") {
            let _ = expression_text(&text);
            let _ = double_quoted_string(&text);
            let _ = default_text(&text);
        }
    }
}
