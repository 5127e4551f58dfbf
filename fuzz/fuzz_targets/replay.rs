//! Replay on fuzzed migration text: the SQL lexer, the statement splitter,
//! the reading of CHECK, AUTOINCREMENT and COLLATE from `CREATE TABLE`, the
//! runner (up, then down) and introspection of whatever SQLite accepted.
//!
//! Input that is not a migration file becomes the up part of one, so plain
//! SQL is a useful input too. SQLite runs it on an in-memory database with
//! bounds on string size and on work, and without ATTACH, so that neither
//! memory nor time nor the file system depends on the fuzzed SQL.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use rusqlite::Connection;
use rusqlite::limits::Limit;
use stillroom::{__fuzz, History, Migration, Migrator, Target};

const MAGIC: &str = "-- stillroom migration";

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    check_sql(&text);
    let file = if text.starts_with(MAGIC) {
        text.into_owned()
    } else {
        format!("{MAGIC}\n-- revision: 0001\n-- parent: none\n-- migrate:up\n{text}")
    };
    let Ok(m) = Migration::parse(&file, Path::new("")) else {
        return;
    };
    check_sql(&m.up);
    if let Some(down) = &m.down {
        check_sql(down);
    }
    let history = History {
        migrations: vec![m],
    };
    if let Ok(replayed) = __fuzz::replay_on(bounded(), &history) {
        for table in replayed.schema.schema.tables() {
            let _ = table.create_statements();
        }
    }
    // The runner's path: ledger, statement errors with lines, down part.
    let conn = bounded();
    let migrator = Migrator::new(&history).verification(stillroom::Verification::Off);
    if migrator.upgrade(&conn, &Target::Head).is_ok() {
        let _ = migrator.downgrade(&conn, &Target::Base);
    }
});

/// What the lexer promises about any text.
fn check_sql(sql: &str) {
    let tokens = __fuzz::tokens(sql);
    let mut from = 0;
    for token in &tokens {
        assert!(!token.is_empty());
        let at = sql[from..].find(token).map(|i| from + i);
        from = at.unwrap_or_else(|| panic!("token {token:?} not in order")) + token.len();
    }
    let _ = __fuzz::token_names(sql);
    let lines = sql.split('\n').count();
    for (line, statement) in __fuzz::statements(sql) {
        assert!((1..=lines).contains(&line), "line {line} of {lines}");
        assert!(sql.contains(statement) && !statement.is_empty());
        let _ = __fuzz::forbidden(statement);
        check_create_table(statement);
    }
    let canonical = __fuzz::canonical(sql);
    assert_eq!(
        __fuzz::canonical(&canonical),
        canonical,
        "canonical of {sql:?}"
    );
    assert!(sql.contains(__fuzz::strip_outer_parens(sql)));
    let _ = __fuzz::is_literal(sql);
    let _ = __fuzz::mentions(sql, "a");
    check_create_table(sql);
}

/// What `CREATE TABLE` reading finds is in the text.
fn check_create_table(sql: &str) {
    let table = __fuzz::read_create_table(sql);
    for check in &table.checks {
        assert!(sql.contains(check.as_str()), "{check:?}");
    }
}

/// An in-memory database on which fuzzed SQL cannot use much memory or
/// time, nor attach (create) a file.
fn bounded() -> Connection {
    let mut conn = match Connection::open_in_memory() {
        Ok(conn) => conn,
        Err(e) => panic!("in-memory database: {e}"),
    };
    let limits = [
        (Limit::SQLITE_LIMIT_LENGTH, 100_000),
        (Limit::SQLITE_LIMIT_SQL_LENGTH, 100_000),
        (Limit::SQLITE_LIMIT_ATTACHED, 0),
    ];
    for (limit, value) in limits {
        if let Err(e) = conn.set_limit(limit, value) {
            panic!("{limit:?}: {e}");
        }
    }
    // About ten million virtual machine steps, then SQLite interrupts.
    let mut calls = 0u32;
    let handler = move || {
        calls = calls.saturating_add(1);
        calls > 10_000
    };
    if let Err(e) = conn.progress_handler(1_000, Some(handler)) {
        panic!("progress handler: {e}");
    }
    conn
}
