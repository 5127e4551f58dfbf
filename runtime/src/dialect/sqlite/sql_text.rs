//! Just enough of SQLite's tokenizer to read what no pragma reports: the
//! CHECK constraints and AUTOINCREMENT of a `CREATE TABLE`, and a canonical
//! spelling of SQL expressions so that equal defaults and checks compare
//! equal however they were spaced or cased.
//!
//! This is lexing (quotes, comments, brackets), not parsing: SQLite's own
//! parser has already accepted every statement this reads.

/// One token of SQL text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Token<'a> {
    /// A bare word: keyword, unquoted name or number.
    Word(&'a str),
    /// A quoted name (`"x"`, `` `x` ``, `[x]`), quotes included.
    Quoted(&'a str),
    /// A string or blob literal, quotes included.
    Literal(&'a str),
    /// Any other single character: `(`, `)`, `,`, operators.
    Punct(&'a str),
}

impl<'a> Token<'a> {
    /// The token as written.
    pub(crate) fn source(self) -> &'a str {
        self.text()
    }

    fn text(self) -> &'a str {
        match self {
            Self::Word(s) | Self::Quoted(s) | Self::Literal(s) | Self::Punct(s) => s,
        }
    }

    fn is_word(self, word: &str) -> bool {
        matches!(self, Self::Word(w) if w.eq_ignore_ascii_case(word))
    }

    fn is(self, punct: &str) -> bool {
        matches!(self, Self::Punct(p) if p == punct)
    }

    /// The name this token spells, unquoted (`"a""b"` -> `a"b`). A quote
    /// left open at the end of the text is taken as closed there.
    pub(crate) fn name(self) -> String {
        let Self::Quoted(s) = self else {
            return self.text().to_owned();
        };
        let (open, close) = match s.as_bytes().first() {
            Some(b'[') => ("[", "]"),
            Some(b'`') => ("`", "`"),
            Some(b'\'') => ("'", "'"),
            _ => ("\"", "\""),
        };
        let inner = s.strip_prefix(open).unwrap_or(s);
        let inner = inner.strip_suffix(close).unwrap_or(inner);
        if open == "[" {
            inner.to_owned()
        } else {
            inner.replace(&format!("{close}{close}"), close)
        }
    }
}

/// Splits SQL text into tokens, dropping blanks and comments. Unterminated
/// quotes or comments end the text.
pub(crate) fn tokenize(sql: &str) -> Vec<Token<'_>> {
    let bytes = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b'-' && bytes.get(i + 1) == Some(&b'-') {
            i = sql[i..].find('\n').map_or(bytes.len(), |n| i + n + 1);
        } else if c == b'/' && bytes.get(i + 1) == Some(&b'*') {
            i = sql[i + 2..]
                .find("*/")
                .map_or(bytes.len(), |n| i + 2 + n + 2);
        } else if matches!(c, b'\'' | b'"' | b'`') {
            i = closing_quote(bytes, i);
            let text = &sql[start..i];
            out.push(if c == b'\'' {
                Token::Literal(text)
            } else {
                Token::Quoted(text)
            });
        } else if c == b'[' {
            i = sql[i..].find(']').map_or(bytes.len(), |n| i + n + 1);
            out.push(Token::Quoted(&sql[start..i]));
        } else if (c == b'x' || c == b'X') && bytes.get(i + 1) == Some(&b'\'') {
            i = closing_quote(bytes, i + 1);
            out.push(Token::Literal(&sql[start..i]));
        } else if c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80 {
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric()
                    || matches!(bytes[i], b'_' | b'$' | b'.')
                    || bytes[i] >= 0x80)
            {
                i += 1;
            }
            out.push(Token::Word(&sql[start..i]));
        } else {
            // Keep two-character operators whole so `<=` stays one token.
            let two = sql
                .get(i..i + 2)
                .filter(|t| ["<=", ">=", "<>", "!=", "==", "||", "<<", ">>"].contains(t));
            i += two.map_or(1, str::len);
            out.push(Token::Punct(&sql[start..i]));
        }
    }
    out
}

/// The index just past the quote that closes the one at `open` (a doubled
/// quote is an escaped one).
fn closing_quote(bytes: &[u8], open: usize) -> usize {
    let q = bytes[open];
    let mut i = open + 1;
    while i < bytes.len() {
        if bytes[i] == q {
            if bytes.get(i + 1) == Some(&q) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    bytes.len()
}

/// The canonical spelling of an SQL expression: tokens separated by one
/// space (none inside parentheses or before commas), bare words upper-cased.
///
/// Quoted names keep their case; so do string literals.
pub(crate) fn canonical(sql: &str) -> String {
    join_tokens(&tokenize(sql))
}

fn join_tokens(tokens: &[Token<'_>]) -> String {
    let mut out = String::new();
    let mut prev: Option<Token<'_>> = None;
    for &t in tokens {
        let glue = match prev {
            None => false,
            // A word swallows the dots after it (`t.` in `t."c"`): no
            // space after one either, so `t."c"` spells as `t.c` does. But a
            // literal keeps its space, or `x'00'` would join the word.
            Some(p) => {
                let after_dot = p.is(".") || matches!(p, Token::Word(w) if w.ends_with('.'));
                !(p.is("(")
                    || (after_dot && !matches!(t, Token::Literal(_)))
                    || t.is(")")
                    || t.is(",")
                    || t.is("."))
            }
        };
        if glue {
            out.push(' ');
        }
        match t {
            Token::Word(w) => out.push_str(&w.to_ascii_uppercase()),
            // `"done"` and `done` name the same column: compare them alike.
            Token::Quoted(_) if is_plain_name(&t.name()) => {
                out.push_str(&t.name().to_ascii_uppercase())
            }
            other => out.push_str(other.text()),
        }
        prev = Some(t);
    }
    out
}

/// A name that needs no quotes to be read as the same name (bar keywords,
/// which canonical spellings are only compared, never run).
fn is_plain_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Whether `sql` is one SQL literal: a number (signed or not), a string or
/// blob, `NULL`, `TRUE`, `FALSE` or `CURRENT_TIME/DATE/TIMESTAMP`; what a
/// DEFAULT may be without parentheses.
pub(crate) fn is_literal(sql: &str) -> bool {
    let tokens = tokenize(sql);
    let number = |t: &Token<'_>| matches!(t, Token::Word(w) if w.starts_with(|c: char| c.is_ascii_digit() || c == '.'));
    match tokens.as_slice() {
        [Token::Literal(_)] => true,
        [t] if number(t) => true,
        [sign, t] if (sign.is("-") || sign.is("+")) && number(t) => true,
        [Token::Word(w)] => [
            "NULL",
            "TRUE",
            "FALSE",
            "CURRENT_TIME",
            "CURRENT_DATE",
            "CURRENT_TIMESTAMP",
        ]
        .iter()
        .any(|k| w.eq_ignore_ascii_case(k)),
        _ => false,
    }
}

/// `sql` without one pair of parentheses around all of it, if it has them.
pub(crate) fn strip_outer_parens(sql: &str) -> &str {
    let t = sql.trim();
    let Some(inner) = t.strip_prefix('(').and_then(|r| r.strip_suffix(')')) else {
        return t;
    };
    // `(a) + (b)` starts and ends with parentheses that are not one pair.
    let mut depth = 0usize;
    for token in tokenize(inner) {
        if token.is("(") {
            depth += 1;
        } else if token.is(")") {
            match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return t,
            }
        }
    }
    inner.trim()
}

/// What a `CREATE TABLE` statement says that the pragmas do not.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct TableText {
    /// CHECK expressions of each column (by column name), as written.
    pub(crate) column_checks: Vec<(String, Vec<String>)>,
    /// Table-level CHECK expressions, as written.
    pub(crate) table_checks: Vec<String>,
    /// Whether the table says AUTOINCREMENT.
    pub(crate) autoincrement: bool,
    /// Columns declared with a COLLATE (not modelled, so not compared).
    pub(crate) collated: Vec<String>,
}

/// Reads the CHECKs and AUTOINCREMENT of a `CREATE TABLE` statement.
pub(crate) fn read_create_table(sql: &str) -> TableText {
    let tokens = tokenize(sql);
    let mut out = TableText::default();
    let Some(open) = tokens.iter().position(|t| t.is("(")) else {
        return out;
    };
    // Split the body at top-level commas into column and constraint parts.
    let mut parts: Vec<&[Token<'_>]> = Vec::new();
    let (mut depth, mut start) = (0usize, open + 1);
    for (i, t) in tokens.iter().enumerate().skip(open + 1) {
        if t.is("(") {
            depth += 1;
        } else if t.is(")") && depth == 0 {
            parts.push(&tokens[start..i]);
            break;
        } else if t.is(")") {
            depth -= 1;
        } else if t.is(",") && depth == 0 {
            parts.push(&tokens[start..i]);
            start = i + 1;
        }
    }
    for part in parts {
        let Some(first) = part.first() else { continue };
        let is_constraint = ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"]
            .iter()
            .any(|w| first.is_word(w));
        let checks = checks_in(sql, part);
        if is_constraint {
            out.table_checks.extend(checks);
        } else {
            out.autoincrement |= part.iter().any(|t| t.is_word("AUTOINCREMENT"));
            if part.iter().any(|t| t.is_word("COLLATE")) {
                out.collated.push(first.name());
            }
            out.column_checks.push((first.name(), checks));
        }
    }
    out
}

/// The canonical expressions of every `CHECK (...)` in `part`.
fn checks_in(sql: &str, part: &[Token<'_>]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < part.len() {
        if part[i].is_word("CHECK") && part.get(i + 1).is_some_and(|t| t.is("(")) {
            let body_start = i + 2;
            let mut depth = 1usize;
            let mut j = body_start;
            while j < part.len() {
                if part[j].is("(") {
                    depth += 1;
                } else if part[j].is(")") {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                j += 1;
            }
            let body = &part[body_start..j.min(part.len())];
            if let (Some(first), Some(last)) = (body.first(), body.last()) {
                let offset = |t: &Token<'_>| t.source().as_ptr() as usize - sql.as_ptr() as usize;
                out.push(sql[offset(first)..offset(last) + last.source().len()].to_owned());
            }
            i = j;
        }
        i += 1;
    }
    out
}

/// Whether `sql` mentions `name` as a word or quoted name (case-insensitive).
pub(crate) fn mentions(sql: &str, name: &str) -> bool {
    tokenize(sql).iter().any(|t| match t {
        Token::Word(w) => w.split('.').any(|part| part.eq_ignore_ascii_case(name)),
        Token::Quoted(_) => t.name().eq_ignore_ascii_case(name),
        _ => false,
    })
}

/// `sql` with every mention of the name `from` (a word or a quoted name,
/// case-insensitive) spelt `to`, quoted; the rest of the text as written.
#[cfg_attr(
    not(feature = "postgres"),
    allow(dead_code, reason = "used by the PostgreSQL renderer")
)]
pub(crate) fn rename_identifier(sql: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut at = 0;
    for t in tokenize(sql) {
        let mentions = match t {
            Token::Word(w) => w.eq_ignore_ascii_case(from),
            Token::Quoted(_) => t.name().eq_ignore_ascii_case(from),
            _ => false,
        };
        if mentions {
            let start = t.source().as_ptr() as usize - sql.as_ptr() as usize;
            out.push_str(&sql[at..start]);
            out.push_str(&crate::schema::quote_ident(to));
            at = start + t.source().len();
        }
    }
    out.push_str(&sql[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_renamed_identifier_is_respelt_and_nothing_else() {
        assert_eq!(
            rename_identifier("amount > 0 AND \"Amount\" < 'amount'", "amount", "total"),
            "\"total\" > 0 AND \"total\" < 'amount'"
        );
    }

    #[test]
    fn canonical_ignores_spacing_and_keyword_case() {
        assert_eq!(canonical(r#""done"  in ( 0,1 )"#), "DONE IN (0, 1)");
        assert_eq!(canonical("done in (0, 1)"), canonical(r#""done" IN (0,1)"#));
        assert_eq!(canonical(r#""a b" = "t"."c""#), r#""a b" = T.C"#);
        // Found by fuzzing: a word keeps the dot after it, and then glued
        // to the next token as a lone dot is.
        assert_eq!(canonical(r#"t."c" > 0"#), canonical("t.c > 0"));
        assert_eq!(canonical(r#"t."b c""#), r#"T."b c""#);
        for text in [
            "x\n.- y",
            "a.(b)",
            "1. + 2",
            "t . \"c\"",
            "THEN .x'0' E",
            "a.'b'",
        ] {
            let once = canonical(text);
            assert_eq!(canonical(&once), once, "{text}");
        }
        assert_eq!(
            canonical("x >= 0 and 'It''s' = y"),
            "X >= 0 AND 'It''s' = Y"
        );
        assert_eq!(
            canonical("-- note\n  CURRENT_timestamp /* c */"),
            "CURRENT_TIMESTAMP"
        );
    }

    #[test]
    fn reads_checks_and_autoincrement() {
        let t = read_create_table(
            "CREATE TABLE \"t\" (\n \"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n \"a,b\" INTEGER CHECK (\"a,b\" IN (0, 1)) CHECK(\"a,b\" >= 0),\n [c] TEXT DEFAULT ')',\n CONSTRAINT x CHECK (\"a,b\" < 5),\n CHECK (c <> 'CHECK (no)')\n) STRICT",
        );
        assert!(t.autoincrement);
        assert_eq!(
            t.column_checks,
            vec![
                ("id".to_owned(), vec![]),
                (
                    "a,b".to_owned(),
                    vec![r#""a,b" IN (0, 1)"#.to_owned(), r#""a,b" >= 0"#.to_owned()]
                ),
                ("c".to_owned(), vec![]),
            ]
        );
        assert_eq!(t.table_checks, [r#""a,b" < 5"#, "c <> 'CHECK (no)'"]);
    }

    #[test]
    fn literals_and_outer_parentheses() {
        for literal in [
            "0",
            "-1",
            "+2.5",
            "'x'",
            "X'00'",
            "null",
            "CURRENT_TIMESTAMP",
        ] {
            assert!(is_literal(literal), "{literal}");
        }
        for expression in ["lower('A')", "1 + 2", "(3)"] {
            assert!(!is_literal(expression), "{expression}");
        }
        assert_eq!(strip_outer_parens(" (lower('A')) "), "lower('A')");
        assert_eq!(strip_outer_parens("(1) + (2)"), "(1) + (2)");
        assert_eq!(strip_outer_parens("((3))"), "(3)");
    }

    #[test]
    fn unterminated_quotes_do_not_panic() {
        for text in ["\"", "[", "`", "'", "\"ab", "x = [c", "check (\"a"] {
            let _ = canonical(text);
            let _ = mentions(text, "a");
            let _ = read_create_table(text);
            let _ = split_statements(text);
        }
        assert_eq!(tokenize("\"ab")[0].name(), "ab");
    }

    #[test]
    fn mentions_finds_quoted_and_qualified_names() {
        assert!(mentions("CREATE VIEW v AS SELECT * FROM \"Jobs\"", "jobs"));
        assert!(mentions("SELECT main.jobs.id FROM x", "jobs"));
        assert!(!mentions("SELECT 'jobs' FROM jobsx", "jobs"));
    }
}

/// One statement of a migration part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Statement<'a> {
    /// Its first line, counting from 1 at the start of the text.
    pub(crate) line: usize,
    /// Its text, without the closing `;`.
    pub(crate) sql: &'a str,
}

/// Splits SQL text into statements at top-level `;`, keeping a
/// `CREATE TRIGGER ... BEGIN ... END` whole. Comment-only text yields none.
pub(crate) fn split_statements(sql: &str) -> Vec<Statement<'_>> {
    let tokens = tokenize(sql);
    let offset = |t: &Token<'_>| t.source().as_ptr() as usize - sql.as_ptr() as usize;
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let (mut trigger, mut depth) = (false, 0usize);
    for (i, t) in tokens.iter().enumerate() {
        if t.is(";") && depth == 0 {
            if let Some(s) = start.take() {
                out.push(statement(sql, offset(&tokens[s]), offset(t)));
            }
            trigger = false;
            continue;
        }
        if start.is_none() {
            start = Some(i);
            let words: Vec<String> = tokens[i..]
                .iter()
                .take(3)
                .map(|t| t.source().to_ascii_uppercase())
                .collect();
            trigger = words.first().is_some_and(|w| w == "CREATE")
                && words[1..].iter().any(|w| w == "TRIGGER");
        }
        if trigger {
            if t.is_word("BEGIN") || (depth > 0 && t.is_word("CASE")) {
                depth += 1;
            } else if depth > 0 && t.is_word("END") {
                depth -= 1;
            }
        }
    }
    if let Some(s) = start {
        out.push(statement(sql, offset(&tokens[s]), sql.len()));
    }
    out
}

fn statement(sql: &str, from: usize, to: usize) -> Statement<'_> {
    Statement {
        line: sql[..from].matches('\n').count() + 1,
        // Only the blanks `tokenize` skips (SQLite's): `trim_end` would also
        // take U+00A0, which SQLite reads as part of a name, and a lone
        // vertical tab, which SQLite refuses, leaving an empty statement.
        sql: sql[from..to].trim_end_matches(|c: char| c.is_ascii_whitespace()),
    }
}

#[cfg(test)]
mod split_tests {
    use super::*;

    #[test]
    fn splits_at_top_level_semicolons_only() {
        let sql = "-- intro\nCREATE TABLE a (x TEXT DEFAULT ';');\n\nINSERT INTO a VALUES ('--;'); /* ; */\nUPDATE a SET x = \"a;b\"";
        let parts = split_statements(sql);
        let texts: Vec<&str> = parts.iter().map(|s| s.sql).collect();
        assert_eq!(
            texts,
            [
                "CREATE TABLE a (x TEXT DEFAULT ';')",
                "INSERT INTO a VALUES ('--;')",
                "UPDATE a SET x = \"a;b\""
            ]
        );
        assert_eq!(parts.iter().map(|s| s.line).collect::<Vec<_>>(), [2, 4, 5]);
    }

    #[test]
    fn keeps_trigger_bodies_whole() {
        let sql = "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  UPDATE b SET n = CASE WHEN n > 0 THEN 1 ELSE 0 END;\n  DELETE FROM c;\nEND;\nSELECT 1;";
        let parts = split_statements(sql);
        assert_eq!(parts.len(), 2, "{parts:?}");
        assert!(parts[0].sql.ends_with("END"));
        assert_eq!(parts[1].sql, "SELECT 1");
    }

    #[test]
    fn statements_keep_what_sqlite_does_not_call_blank() {
        // Found by fuzzing: a vertical tab was trimmed to an empty statement.
        // SQLite refuses it, so it stays, to fail at its line.
        let vt = "-- c\n\n\u{b}\n";
        assert_eq!(
            split_statements(vt),
            [Statement {
                line: 3,
                sql: "\u{b}"
            }]
        );
        // SQLite reads U+00A0 as part of a name, not as a blank.
        let nbsp = "SELECT 1\u{a0};\t\r\n";
        assert_eq!(split_statements(nbsp)[0].sql, "SELECT 1\u{a0}");
        assert_eq!(split_statements("SELECT 1 \t\r\n")[0].sql, "SELECT 1");
    }

    #[test]
    fn comment_only_text_has_no_statements() {
        assert!(split_statements("-- nothing here\n/* or here */\n").is_empty());
    }
}

#[cfg(test)]
mod no_panic {
    use proptest::prelude::*;

    use super::*;
    use crate::history::Migration;

    proptest! {
        /// The tokenizer reads SQL from files people edit and from live
        /// databases: no text may make it (or what is built on it) panic.
        #[test]
        fn any_text(text in "(?s)[\\PC\n\t\"'`\\[\\]();,.-]{0,80}") {
            let _ = canonical(&text);
            let _ = strip_outer_parens(&text);
            let _ = is_literal(&text);
            let _ = mentions(&text, "a");
            let _ = read_create_table(&text);
            for statement in split_statements(&text) {
                prop_assert!(text.contains(statement.sql));
            }
        }

        /// Nor may a migration file's text.
        #[test]
        fn any_migration_file(body in "(?s)[\\PC\n]{0,120}", header in prop::sample::select(vec![
            "-- stillroom migration\n-- revision: 0001\n-- parent: none\n-- migrate:up\n",
            "-- stillroom migration\n",
            "",
        ])) {
            let text = format!("{header}{body}");
            let _ = Migration::parse(&text, std::path::Path::new("0001.sql"));
        }
    }
}
