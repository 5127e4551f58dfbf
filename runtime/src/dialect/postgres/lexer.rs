//! Just enough of PostgreSQL's lexer to split a migration part into
//! statements with their lines: quotes (`'...'`, `E'...'`, `"..."`),
//! dollar quotes (`$$ ... $$`, `$body$ ... $body$`, as function bodies and
//! `DO` blocks use), and comments (`--`, nested `/* */`). PostgreSQL's own
//! parser reads each statement.

/// One statement of a part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Statement<'a> {
    /// Its first line, counting from 1 at the start of the part.
    pub(crate) line: usize,
    /// Its text, without the closing `;`.
    pub(crate) sql: &'a str,
}

/// Splits `sql` at top-level `;`. Comment-only text yields none; an
/// unterminated quote or comment runs to the end of the text.
pub(crate) fn split(sql: &str) -> Vec<Statement<'_>> {
    let bytes = sql.as_bytes();
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let next = bytes.get(i + 1).copied();
        let skip_to = if c.is_ascii_whitespace() {
            i += 1;
            continue;
        } else if c == b'-' && next == Some(b'-') {
            i = sql[i..].find('\n').map_or(bytes.len(), |n| i + n + 1);
            continue;
        } else if c == b'/' && next == Some(b'*') {
            i = block_comment_end(bytes, i);
            continue;
        } else if c == b';' {
            if let Some(s) = start.take() {
                out.push(statement(sql, s, i));
            }
            i += 1;
            continue;
        } else if c == b'\'' {
            let escapes = i > 0
                && matches!(bytes[i - 1], b'e' | b'E')
                && !bytes
                    .get(i.wrapping_sub(2))
                    .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_');
            quoted_end(bytes, i, b'\'', escapes)
        } else if c == b'"' {
            quoted_end(bytes, i, b'"', false)
        } else if c == b'$' {
            dollar_end(sql, i).unwrap_or(i + 1)
        } else {
            i + 1
        };
        start.get_or_insert(i);
        i = skip_to;
    }
    if let Some(s) = start {
        out.push(statement(sql, s, bytes.len()));
    }
    out
}

fn statement(sql: &str, from: usize, to: usize) -> Statement<'_> {
    Statement {
        line: sql[..from].matches('\n').count() + 1,
        sql: sql[from..to].trim_end(),
    }
}

/// The index after a `/* ... */` comment starting at `i` (they nest).
fn block_comment_end(bytes: &[u8], mut i: usize) -> usize {
    let mut depth = 0usize;
    while i < bytes.len() {
        if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'*') {
            depth += 1;
            i += 2;
        } else if bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/') {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    bytes.len()
}

/// The index after a quoted run opened by `quote` at `i` (a doubled quote
/// stands for itself; with `escapes`, so does a backslashed character).
fn quoted_end(bytes: &[u8], mut i: usize, quote: u8, escapes: bool) -> usize {
    i += 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if escapes => i += 2,
            b if b == quote => {
                if bytes.get(i + 1) == Some(&quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            }
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The index after a dollar-quoted string opened at `i` (`$$` or
/// `$tag$`), or `None` when the `$` opens none (`$1`, a parameter).
fn dollar_end(sql: &str, i: usize) -> Option<usize> {
    let rest = &sql[i + 1..];
    let tag_len = rest
        .char_indices()
        .find(|&(_, c)| !(c == '_' || c.is_alphanumeric()))
        .map_or(rest.len(), |(n, _)| n);
    let tag = &rest[..tag_len];
    if tag.starts_with(|c: char| c.is_ascii_digit()) || !rest[tag_len..].starts_with('$') {
        return None;
    }
    let delimiter = format!("${tag}$");
    let body = i + delimiter.len();
    Some(
        sql[body..]
            .find(&delimiter)
            .map_or(sql.len(), |n| body + n + delimiter.len()),
    )
}

/// The statement's first words, upper-cased (up to `n`), outside quotes.
pub(crate) fn first_words(sql: &str, n: usize) -> Vec<String> {
    sql.split(|c: char| c.is_whitespace() || c == '(' || c == ';')
        .filter(|w| !w.is_empty())
        .take(n)
        .map(str::to_ascii_uppercase)
        .collect()
}

/// Why a statement may not appear in a PostgreSQL migration, if it may
/// not: every pending migration runs in one transaction that stillroom
/// opens, on the application's connection.
pub(crate) fn forbidden(sql: &str) -> Option<&'static str> {
    let words = first_words(sql, 4);
    let word = |i: usize| words.get(i).map_or("", String::as_str);
    match word(0) {
        "BEGIN" | "START" | "COMMIT" | "END" | "ABORT" => Some(
            "transaction statements cannot appear in a migration: all pending migrations run in one transaction that stillroom opens and commits; remove this statement",
        ),
        "ROLLBACK" if word(1) != "TO" => Some(
            "ROLLBACK cannot appear in a migration (ROLLBACK TO a savepoint can): stillroom owns the transaction; remove this statement",
        ),
        "VACUUM" | "CLUSTER" => Some(
            "this statement cannot run inside the migration transaction; run it outside migrations",
        ),
        "CREATE" | "DROP" | "REINDEX" | "ALTER" | "REFRESH"
            if words.iter().any(|w| w == "CONCURRENTLY") =>
        {
            Some(
                "CONCURRENTLY cannot run inside a transaction, and every migration runs in one: drop CONCURRENTLY (the table is locked while the index builds), or build the index outside migrations",
            )
        }
        "CREATE" | "DROP" | "ALTER" if matches!(word(1), "DATABASE" | "TABLESPACE" | "SYSTEM") => {
            Some("this statement cannot run inside a transaction; run it outside migrations")
        }
        "SET" | "RESET" if word(1) != "LOCAL" && word(1) != "CONSTRAINTS" => Some(
            "SET changes the session, not the database: it would outlive the migration on the application's connection; write SET LOCAL (it ends with the migration's transaction), or set it where the application connects",
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(sql: &str) -> Vec<(usize, &str)> {
        split(sql).iter().map(|s| (s.line, s.sql)).collect()
    }

    #[test]
    fn splits_at_top_level_semicolons() {
        let sql = "-- intro\nCREATE TABLE a (x TEXT DEFAULT ';');\n\nINSERT INTO a VALUES (E'it\\'s;'); /* ; /* nested ; */ */\nUPDATE a SET x = \"a;b\"";
        assert_eq!(
            texts(sql),
            [
                (2, "CREATE TABLE a (x TEXT DEFAULT ';')"),
                (4, "INSERT INTO a VALUES (E'it\\'s;')"),
                (5, "UPDATE a SET x = \"a;b\"")
            ]
        );
    }

    #[test]
    fn dollar_quoted_bodies_stay_whole() {
        let sql = "CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END $$ LANGUAGE plpgsql;\nDO $body$ BEGIN PERFORM 1; END $body$;\nSELECT $1;";
        assert_eq!(
            texts(sql),
            [
                (
                    1,
                    "CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END $$ LANGUAGE plpgsql"
                ),
                (2, "DO $body$ BEGIN PERFORM 1; END $body$"),
                (3, "SELECT $1")
            ]
        );
    }

    #[test]
    fn what_the_runner_owns_is_refused() {
        for sql in [
            "BEGIN",
            "commit",
            "ROLLBACK",
            "VACUUM t",
            "CREATE INDEX CONCURRENTLY i ON t (x)",
            "SET search_path TO x",
            "CREATE DATABASE x",
        ] {
            assert!(forbidden(sql).is_some(), "{sql}");
        }
        for sql in [
            "ROLLBACK TO SAVEPOINT a",
            "SET LOCAL lock_timeout = '1s'",
            "SET CONSTRAINTS ALL DEFERRED",
            "CREATE INDEX i ON t (x)",
            "DO $$ BEGIN END $$",
        ] {
            assert!(forbidden(sql).is_none(), "{sql}");
        }
    }
}
