//! Checks of the SQL text users write in attributes, done at compile time so
//! a typo is an error on the attribute, not a failed migration on a user's
//! machine.

/// The table name a struct gets by default: its name in snake_case
/// (`EpisodeAvailability` -> `episode_availability`, `HTTPLog` -> `http_log`).
pub(crate) fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev.is_lowercase() || prev.is_ascii_digit() || (prev.is_uppercase() && next_lower) {
                out.push('_');
            }
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// Checks a `default = "..."`: SQLite accepts a literal (number, string,
/// blob, NULL, TRUE, FALSE, CURRENT_TIME/DATE/TIMESTAMP), a signed number, or
/// any expression in parentheses.
pub(crate) fn check_default(text: &str) -> Result<(), String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("`default` is empty; write an SQL literal such as `'queued'` or `0`".into());
    }
    if t.starts_with('(') {
        let end = scan(t)?;
        return match end {
            Scan {
                closes_at: Some(i), ..
            } if i == t.len() - 1 => Ok(()),
            _ => Err(format!(
                "`default = \"{t}\"` has text after its closing parenthesis; wrap the whole expression: `({t})`"
            )),
        };
    }
    scan(t)?;
    let upper = t.to_ascii_uppercase();
    let keyword = [
        "NULL",
        "TRUE",
        "FALSE",
        "CURRENT_TIME",
        "CURRENT_DATE",
        "CURRENT_TIMESTAMP",
    ];
    if keyword.contains(&upper.as_str()) || is_number(t) || is_string(t) || is_blob(t) {
        return Ok(());
    }
    Err(format!(
        "`default = \"{t}\"` is not an SQL literal; write a literal (`'text'`, `0`, `NULL`, `CURRENT_TIMESTAMP`), quote text as `'{}'`, or wrap an expression in parentheses: `({t})`",
        t.replace('\'', "''")
    ))
}

/// Checks an SQL expression (a `check = "..."`): quotes closed, parentheses
/// balanced, no `;` or comment that would end or hide the rest of the DDL.
pub(crate) fn check_expression(text: &str) -> Result<(), String> {
    if text.trim().is_empty() {
        return Err("the expression is empty".into());
    }
    scan(text).map(drop)
}

/// Parses a foreign key target `table(column, ...)`.
pub(crate) fn parse_references(text: &str) -> Result<(String, Vec<String>), String> {
    let malformed = || {
        format!(
            "malformed foreign key target `{text}`; expected `table(column)` or `table(column, column)`, e.g. `references = \"jobs(id)\"`"
        )
    };
    let t = text.trim();
    let (table, rest) = t.split_once('(').ok_or_else(malformed)?;
    let columns = rest.strip_suffix(')').ok_or_else(malformed)?;
    let table = table.trim();
    let columns: Vec<String> = columns.split(',').map(|c| c.trim().to_owned()).collect();
    let bad = |s: &str| s.is_empty() || s.contains(['(', ')', '"', '\'', '`', ';']);
    if bad(table) || columns.iter().any(|c| bad(c)) {
        return Err(malformed());
    }
    Ok((table.to_owned(), columns))
}

struct Scan {
    /// Where the parenthesis opened by the first character closes, if it is one.
    closes_at: Option<usize>,
}

/// Walks `text` as SQL tokens: strings and quoted names must close,
/// parentheses must balance, and `;`, `--` and `/*` may appear only inside
/// quotes.
fn scan(text: &str) -> Result<Scan, String> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut closes_at = None;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            q @ (b'\'' | b'"' | b'`') => {
                i += 1;
                loop {
                    match bytes.get(i) {
                        None => {
                            return Err(format!("unterminated quote `{}` in `{text}`", q as char));
                        }
                        Some(&b) if b == q && bytes.get(i + 1) == Some(&q) => i += 2,
                        Some(&b) if b == q => break,
                        Some(_) => i += 1,
                    }
                }
            }
            b'[' => match text[i..].find(']') {
                Some(n) => i += n,
                None => return Err(format!("unterminated `[` in `{text}`")),
            },
            b'(' => depth += 1,
            b')' => {
                depth = depth
                    .checked_sub(1)
                    .ok_or_else(|| format!("unbalanced `)` in `{text}`"))?;
                if depth == 0 && closes_at.is_none() && bytes[0] == b'(' {
                    closes_at = Some(i);
                }
            }
            b';' => return Err(format!("`;` in `{text}` would end the statement")),
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                return Err(format!("comment `--` in `{text}`"));
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                return Err(format!("comment `/*` in `{text}`"));
            }
            _ => {}
        }
        i += 1;
    }
    if depth != 0 {
        return Err(format!("unbalanced `(` in `{text}`"));
    }
    Ok(Scan { closes_at })
}

fn is_number(t: &str) -> bool {
    let t = t.strip_prefix(['-', '+']).unwrap_or(t);
    if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit());
    }
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    let digits = mantissa.chars().filter(char::is_ascii_digit).count();
    let valid_mantissa = digits > 0
        && mantissa.chars().all(|c| c.is_ascii_digit() || c == '.')
        && mantissa.matches('.').count() <= 1;
    let valid_exponent = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
    });
    valid_mantissa && valid_exponent
}

/// A single string literal and nothing else.
fn is_string(t: &str) -> bool {
    t.len() >= 2
        && t.starts_with('\'')
        && t.ends_with('\'')
        && !t[1..t.len() - 1].replace("''", "").contains('\'')
}

fn is_blob(t: &str) -> bool {
    let Some(body) = t.strip_prefix(['x', 'X']) else {
        return false;
    };
    is_string(body) && {
        let hex = &body[1..body.len() - 1];
        hex.len() % 2 == 0 && hex.chars().all(|c| c.is_ascii_hexdigit())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_names() {
        assert_eq!(snake_case("Job"), "job");
        assert_eq!(snake_case("EpisodeAvailability"), "episode_availability");
        assert_eq!(snake_case("HTTPLog"), "http_log");
        assert_eq!(snake_case("Job2Task"), "job2_task");
    }

    #[test]
    fn accepts_sqlite_default_forms() {
        for ok in [
            "'queued'",
            "0",
            "-1",
            "+2.5",
            "1e10",
            "0x1F",
            "NULL",
            "true",
            "CURRENT_TIMESTAMP",
            "'it''s'",
            "X'00FF'",
            "(lower('A'))",
            "(strftime('%s', 'now'))",
            "  0  ",
        ] {
            assert_eq!(check_default(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn rejects_malformed_defaults() {
        for bad in [
            "",
            "'open",
            "lower('x')",
            "queued",
            "1 + 1",
            "(1) + 1",
            "((1)",
            "'a' 'b'",
            "X'0'",
            "(1); DROP TABLE x",
            "1.2.3",
            "1e",
            "(1 -- x)",
        ] {
            assert!(check_default(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn parses_references() {
        assert_eq!(
            parse_references("jobs(id)"),
            Ok(("jobs".into(), vec!["id".into()]))
        );
        assert_eq!(
            parse_references(" t ( a , b ) "),
            Ok(("t".into(), vec!["a".into(), "b".into()]))
        );
        for bad in [
            "jobs",
            "jobs.id",
            "jobs()",
            "(id)",
            "jobs(id",
            "jobs(a,,b)",
            "jobs(id);",
        ] {
            assert!(parse_references(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn expressions_must_balance() {
        assert_eq!(check_expression("\"a\" > 0 AND (b < ')')"), Ok(()));
        assert!(check_expression("a > (0").is_err());
        assert!(check_expression("a > 0; DROP TABLE t").is_err());
    }
}
