//! What the fuzz targets in `fuzz/` call besides the public API: the
//! crate-internal readers of text that other people wrote (SQL lexing,
//! statement splitting, `CREATE TABLE` reading, the `requires` version) and
//! replay on a connection the target configured. Not a public API: it may
//! change with any release.

use rusqlite::Connection;

use crate::Result;
use crate::dialect::sqlite::sql_text;
use crate::dialect::sqlite::version as sqlite_version;
use crate::history::History;
use crate::history::replay::Replayed;

/// The tokens of `sql`, as written (blanks and comments dropped).
pub fn tokens(sql: &str) -> Vec<&str> {
    sql_text::tokenize(sql)
        .into_iter()
        .map(sql_text::Token::source)
        .collect()
}

/// The names the tokens of `sql` spell, unquoted.
pub fn token_names(sql: &str) -> Vec<String> {
    sql_text::tokenize(sql)
        .into_iter()
        .map(sql_text::Token::name)
        .collect()
}

/// The statements of a migration part: (first line, text).
pub fn statements(sql: &str) -> Vec<(usize, &str)> {
    sql_text::split_statements(sql)
        .into_iter()
        .map(|s| (s.line, s.sql))
        .collect()
}

/// Why a statement may not appear in a migration, if it may not.
pub fn forbidden(sql: &str) -> Option<&'static str> {
    crate::dialect::sqlite::runner::forbidden(sql)
}

/// The canonical spelling of an SQL expression.
pub fn canonical(sql: &str) -> String {
    sql_text::canonical(sql)
}

/// `sql` without one pair of parentheses around all of it.
pub fn strip_outer_parens(sql: &str) -> &str {
    sql_text::strip_outer_parens(sql)
}

/// Whether `sql` is one SQL literal.
pub fn is_literal(sql: &str) -> bool {
    sql_text::is_literal(sql)
}

/// Whether `sql` mentions `name`.
pub fn mentions(sql: &str, name: &str) -> bool {
    sql_text::mentions(sql, name)
}

/// What a `CREATE TABLE` statement says that no pragma reports.
#[derive(Debug)]
pub struct CreateTableText {
    /// Every CHECK expression, of columns and of the table, as written.
    pub checks: Vec<String>,
    /// The columns (by name) that have a CHECK or none.
    pub columns: Vec<String>,
    /// Whether the table says AUTOINCREMENT.
    pub autoincrement: bool,
    /// Columns declared with a COLLATE.
    pub collated: Vec<String>,
}

/// Reads the CHECKs, AUTOINCREMENT and COLLATEs of a `CREATE TABLE`.
pub fn read_create_table(sql: &str) -> CreateTableText {
    let text = sql_text::read_create_table(sql);
    let mut checks = text.table_checks;
    let mut columns = Vec::new();
    for (column, column_checks) in text.column_checks {
        columns.push(column);
        checks.extend(column_checks);
    }
    CreateTableText {
        checks,
        columns,
        autoincrement: text.autoincrement,
        collated: text.collated,
    }
}

/// The number SQLite gives the version `text` (`3.37.0` is 3037000), or
/// why `text` is not one.
pub fn sqlite_version_number(text: &str) -> std::result::Result<i32, String> {
    sqlite_version::SqliteVersion::parse(text).map(sqlite_version::SqliteVersion::number)
}

/// [`replay`](crate::replay) on `conn`, a new empty database.
pub fn replay_on(conn: Connection, history: &History) -> Result<Replayed> {
    crate::history::replay::replay_on(conn, history)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_points_answer() -> Result<()> {
        assert_eq!(tokens("a = 'b' -- c"), ["a", "=", "'b'"]);
        assert_eq!(token_names("\"x\"\"y\""), ["x\"y"]);
        assert_eq!(
            statements("SELECT 1;\nSELECT 2"),
            [(1, "SELECT 1"), (2, "SELECT 2")]
        );
        assert!(forbidden("begin").is_some());
        assert_eq!(canonical("a  in (1,2)"), "A IN (1, 2)");
        assert_eq!(strip_outer_parens("(x)"), "x");
        assert!(is_literal("'x'") && mentions("t.a", "a"));
        let t =
            read_create_table("CREATE TABLE t (a INTEGER PRIMARY KEY AUTOINCREMENT CHECK (a > 0))");
        assert_eq!(
            (t.checks, t.columns, t.autoincrement),
            (vec!["a > 0".to_owned()], vec!["a".to_owned()], true)
        );
        assert_eq!(sqlite_version_number("3.37.0"), Ok(3_037_000));
        assert!(sqlite_version_number("3037.0").is_err());
        let replayed = replay_on(Connection::open_in_memory()?, &History::default())?;
        assert!(replayed.schema.schema.is_empty());
        Ok(())
    }
}
