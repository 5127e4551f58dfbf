//! The migration runner on live databases: a fresh database to head and the
//! cheap second call, status, a failing migration that changes nothing,
//! every refusal (edited file, unknown or missing revision, two heads, open
//! transaction, drift), adoption of a database made before stillroom,
//! downgrade and upgrade keeping data, stamp, offline SQL that is exactly
//! what `migrate` runs, and foreign keys back on after a table rebuild,
//! whether it succeeded or failed.
//!
//! Histories are generated from table values (`items`, then `tags`, then a
//! `price` column) or written by hand, in temporary directories.

use crate::common::{TempDir, run_script};
use std::error::Error;
use std::fs;
use std::path::{Path, PathBuf};

use rusqlite::Connection;
use rusqlite::types::Value;
use stillroom::{
    Action, Against, Column, Difference, ForeignKey, GenerateOptions, Generated, History, Index,
    Migrator, Schema, SqlType, Table, Target, quote_ident,
};

type TestResult = Result<(), Box<dyn Error>>;

// --- helpers -----------------------------------------------------------------

/// An in-memory database configured as applications configure theirs.
fn memory() -> Result<Connection, Box<dyn Error>> {
    let conn = Connection::open_in_memory()?;
    stillroom::configure(&conn)?;
    Ok(conn)
}

/// Everything a database holds: the schema cookie, every row of
/// `sqlite_schema` and every row of every table (the ledger included), to
/// show that a refused or failed call changed nothing.
#[derive(Debug, PartialEq, Eq)]
struct Snapshot {
    schema_version: i64,
    objects: Vec<SchemaRow>,
    rows: Vec<(String, Vec<String>)>,
}

/// One row of `sqlite_schema`: type, name, table, root page, SQL.
type SchemaRow = (String, String, String, Option<i64>, Option<String>);

fn snapshot(conn: &Connection) -> Result<Snapshot, Box<dyn Error>> {
    let schema_version = conn.query_row("PRAGMA schema_version", [], |r| r.get(0))?;
    let objects: Vec<SchemaRow> = conn
        .prepare(
            "SELECT type, name, tbl_name, rootpage, sql FROM sqlite_schema ORDER BY type, name",
        )?
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut rows = Vec::new();
    for (kind, name, ..) in &objects {
        if kind == "table" {
            rows.push((
                name.clone(),
                all_rows(conn, &format!("SELECT * FROM {}", quote_ident(name)))?,
            ));
        }
    }
    Ok(Snapshot {
        schema_version,
        objects,
        rows,
    })
}

/// Every row `sql` returns, each as the `Debug` form of its values, sorted.
fn all_rows(conn: &Connection, sql: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(sql)?;
    let n = stmt.column_count();
    let mut rows = stmt
        .query_map([], |r| {
            let values = (0..n)
                .map(|i| r.get::<_, Value>(i))
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(format!("{values:?}"))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.sort();
    Ok(rows)
}

/// One ledger row: revision, parent, position, checksum, how.
type LedgerRow = (String, Option<String>, i64, String, String);

/// The ledger, in order (empty when it does not exist).
fn ledger(conn: &Connection) -> rusqlite::Result<Vec<LedgerRow>> {
    let exists: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_schema WHERE name = 'stillroom_migrations'",
        [],
        |r| r.get(0),
    )?;
    if !exists {
        return Ok(Vec::new());
    }
    conn.prepare(
        "SELECT revision, parent, position, checksum, how FROM stillroom_migrations ORDER BY position",
    )?
    .query_map([], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
    })?
    .collect()
}

/// The ledger's (revision, how) pairs.
fn ledger_how(conn: &Connection) -> rusqlite::Result<Vec<(String, String)>> {
    Ok(ledger(conn)?
        .into_iter()
        .map(|(revision, _, _, _, how)| (revision, how))
        .collect())
}

/// One object of the schema: type, name, table, SQL.
type ObjectRow = (String, String, String, Option<String>);

/// Every object of `sqlite_schema` but stillroom's state table: type, name,
/// table, SQL.
fn schema_objects(conn: &Connection) -> rusqlite::Result<Vec<ObjectRow>> {
    conn.prepare(
        "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE tbl_name <> 'stillroom_state' ORDER BY type, name",
    )?
    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
    .collect()
}

/// The names of the user's tables.
fn user_tables(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    conn.prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%' AND name NOT LIKE 'stillroom%' ORDER BY name",
    )?
    .query_map([], |r| r.get(0))?
    .collect()
}

/// The column names of `table`, in order.
fn columns_of(conn: &Connection, table: &str) -> rusqlite::Result<Vec<String>> {
    conn.prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?
        .query_map([table], |r| r.get(0))?
        .collect()
}

fn foreign_keys_on(conn: &Connection) -> rusqlite::Result<bool> {
    conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn table(name: &str, key: &[&str], columns: Vec<Column>) -> Table {
    let mut t = Table::new(name);
    t.columns = columns;
    t.primary_key.columns = strings(key);
    t
}

fn nullable(name: &str, sql_type: SqlType) -> Column {
    let mut c = Column::new(name, sql_type);
    c.nullable = true;
    c
}

fn foreign_key(column: &str, parent: &str, on_delete: Action) -> ForeignKey {
    ForeignKey {
        columns: strings(&[column]),
        references_table: parent.to_owned(),
        references_columns: strings(&["id"]),
        on_delete,
        on_update: Action::NoAction,
    }
}

/// Generates one revision per schema into `dir`, failing if one of them
/// changes nothing.
fn generate_all(dir: &Path, steps: &[(Schema, &str)], lossy: bool) -> TestResult {
    for (schema, message) in steps {
        let generated = stillroom::generate(
            dir,
            schema,
            message,
            GenerateOptions {
                allow_data_loss: lossy,
                allow_loss_of: Vec::new(),
                rust_step: None,
            },
        )?;
        if generated == Generated::NothingToDo {
            return Err(format!("`{message}` generated nothing").into());
        }
    }
    Ok(())
}

// --- the generated history: items, tags, items.price --------------------------

const R1: &str = "0001_items";
const R2: &str = "0002_tags";
const R3: &str = "0003_price";

fn items(with_price: bool) -> Table {
    let mut columns = vec![
        Column::new("id", SqlType::Integer),
        Column::new("name", SqlType::Text),
    ];
    if with_price {
        columns.push(nullable("price", SqlType::Integer));
    }
    table("items", &["id"], columns)
}

fn tags() -> Table {
    let mut t = table(
        "tags",
        &["id"],
        vec![
            Column::new("id", SqlType::Integer),
            Column::new("item_id", SqlType::Integer),
            Column::new("label", SqlType::Text),
        ],
    );
    t.foreign_keys
        .push(foreign_key("item_id", "items", Action::Cascade));
    t.indexes.push(Index {
        name: "ix_tags_item_id".into(),
        columns: strings(&["item_id"]),
        unique: false,
    });
    t
}

/// A generated history of three revisions, and the models at its head.
struct Fixture {
    dir: TempDir,
    history: History,
    schema: Schema,
}

impl Fixture {
    fn new(name: &str) -> Result<Self, Box<dyn Error>> {
        let dir = TempDir::created(name)?;
        let schema = Schema::new([items(true), tags()])?;
        generate_all(
            dir.path(),
            &[
                (Schema::new([items(false)])?, "items"),
                (Schema::new([items(false), tags()])?, "tags"),
                (schema.clone(), "price"),
            ],
            false,
        )?;
        let history = History::read(dir.path())?;
        let revisions: Vec<&str> = history
            .migrations
            .iter()
            .map(|m| m.revision.as_str())
            .collect();
        assert_eq!(revisions, [R1, R2, R3]);
        Ok(Self {
            dir,
            history,
            schema,
        })
    }

    fn migrator(&self) -> Migrator<'_> {
        Migrator::new(&self.history).schema(&self.schema)
    }

    fn file(&self, revision: &str) -> PathBuf {
        self.dir.join(&format!("{revision}.sql"))
    }

    /// The history as the files are now.
    fn reread(&self) -> stillroom::Result<History> {
        History::read(self.dir.path())
    }
}

/// A file in the migration format, with a down part.
fn migration_file(revision: &str, parent: Option<&str>, up: &str, down: &str) -> String {
    format!(
        "-- stillroom migration\n-- revision: {revision}\n-- parent: {}\n-- message: {revision}\n\n-- migrate:up\n{up}\n-- migrate:down\n{down}\n",
        parent.unwrap_or("none")
    )
}

// --- fresh database, second call, status -------------------------------------

#[test]
fn a_fresh_database_goes_to_head_and_a_second_call_does_nothing() -> TestResult {
    let f = Fixture::new("fresh")?;
    let conn = memory()?;
    let first = f.migrator().migrate(&conn)?;
    assert_eq!(first.ran, [R1, R2, R3]);
    assert_eq!(first.current.as_deref(), Some(R3));
    assert_eq!(first.adopted, None);
    assert!(first.compared, "the first call compares with the models");
    assert_eq!(user_tables(&conn)?, ["items", "tags"]);

    let ledger_rows = ledger(&conn)?;
    assert_eq!(ledger_rows.len(), 3);
    for ((i, m), (revision, parent, position, checksum, how)) in
        f.history.migrations.iter().enumerate().zip(&ledger_rows)
    {
        assert_eq!(revision, &m.revision);
        assert_eq!(parent, &m.parent);
        assert_eq!(*position, i64::try_from(i)?);
        assert_eq!(
            checksum,
            &stillroom::checksum(&fs::read_to_string(&m.path)?)
        );
        assert_eq!(how, "applied");
    }

    // The second call: nothing to run, and the comparison is trusted from
    // the first (same schema_version, same models), even through another
    // migrator with an equal (not the same) schema value.
    let before = snapshot(&conn)?;
    let second = f.migrator().migrate(&conn)?;
    assert!(second.ran.is_empty(), "{second:?}");
    assert!(!second.compared, "{second:?}");
    assert_eq!(second.adopted, None);
    assert_eq!(second.current.as_deref(), Some(R3));
    let equal_schema = f.schema.clone();
    let third = Migrator::new(&f.history)
        .schema(&equal_schema)
        .migrate(&conn)?;
    assert!(third.ran.is_empty() && !third.compared, "{third:?}");
    assert_eq!(snapshot(&conn)?, before, "a call with nothing to do wrote");

    let status = f.migrator().status(&conn)?;
    assert_eq!(status.current.as_deref(), Some(R3));
    assert_eq!(status.current, status.head);
    assert!(status.pending.is_empty());
    assert_eq!(status.problem, None);
    assert_eq!(status.differences, Some(Vec::new()));
    assert_eq!(status.applied.len(), 3);
    assert!(status.applied.iter().all(|a| a.how == "applied"));
    Ok(())
}

#[test]
fn status_of_a_database_behind_lists_what_is_pending() -> TestResult {
    let f = Fixture::new("status")?;
    let conn = memory()?;
    let status = f.migrator().status(&conn)?;
    assert_eq!(status.current, None);
    assert_eq!(status.head.as_deref(), Some(R3));
    assert_eq!(status.pending, [R1, R2, R3]);
    assert_eq!(status.differences, None);

    let report = f.migrator().upgrade(&conn, &"+1".parse()?)?;
    assert_eq!(report.ran, [R1]);
    assert!(!report.compared, "only an upgrade to head verifies");
    let status = f.migrator().status(&conn)?;
    assert_eq!(status.current.as_deref(), Some(R1));
    assert_eq!(status.pending, [R2, R3]);
    assert_eq!(status.differences, None);
    assert_eq!(status.problem, None);
    Ok(())
}

// --- a failing migration -------------------------------------------------------

#[test]
fn a_failing_migration_among_three_pending_changes_nothing() -> TestResult {
    let dir = TempDir::created("failing")?;
    let files = [
        (
            "0001_base",
            migration_file(
                "0001_base",
                None,
                "CREATE TABLE a (id INTEGER PRIMARY KEY, v TEXT) STRICT;",
                "DROP TABLE a;",
            ),
        ),
        (
            "0002_b",
            migration_file(
                "0002_b",
                Some("0001_base"),
                "CREATE TABLE b (id INTEGER PRIMARY KEY) STRICT;\nINSERT INTO a (v) VALUES ('from 0002');\nALTER TABLE a ADD COLUMN w TEXT;",
                "ALTER TABLE a DROP COLUMN w;\nDELETE FROM a WHERE v = 'from 0002';\nDROP TABLE b;",
            ),
        ),
        (
            // Line 7: the CREATE; line 8: the INSERT into a missing table.
            "0003_bad",
            migration_file(
                "0003_bad",
                Some("0002_b"),
                "CREATE TABLE c (id INTEGER PRIMARY KEY) STRICT;\nINSERT INTO no_such_table VALUES (1);\nUPDATE a SET v = 'changed by 0003';",
                "DROP TABLE c;",
            ),
        ),
        (
            "0004_d",
            migration_file(
                "0004_d",
                Some("0003_bad"),
                "CREATE TABLE d (id INTEGER PRIMARY KEY) STRICT;",
                "DROP TABLE d;",
            ),
        ),
    ];
    for (revision, text) in &files {
        fs::write(dir.join(&format!("{revision}.sql")), text)?;
    }
    let history = History::read(dir.path())?;
    let migrator = Migrator::new(&history).verification(stillroom::Verification::Off);

    let db = dir.join("app.db");
    let conn = stillroom::open(&db)?;
    migrator.upgrade(&conn, &Target::Revision("0001_base".into()))?;
    conn.execute_batch("INSERT INTO a (v) VALUES ('one'), ('two');")?;
    let before = snapshot(&conn)?;
    let ledger_before = ledger(&conn)?;
    assert_eq!(ledger_before.len(), 1);

    let err = migrator.migrate(&conn).unwrap_err();
    let message = err.to_string();
    let stillroom::Error::Statement(statement) = &err else {
        panic!("expected Error::Statement, got {err:?}");
    };
    assert_eq!(statement.revision, "0003_bad");
    assert_eq!(statement.path, dir.join("0003_bad.sql"));
    assert_eq!(statement.line, 8, "{message}");
    assert!(
        statement.sql.contains("INSERT INTO no_such_table"),
        "{}",
        statement.sql
    );
    assert!(
        message.contains("0003_bad")
            && message.contains(&format!("{}:8", dir.join("0003_bad.sql").display()))
            && message.contains("INSERT INTO no_such_table")
            && message.contains("no such table"),
        "{message}"
    );

    assert_eq!(
        snapshot(&conn)?,
        before,
        "the failed call changed the database"
    );
    assert_eq!(ledger(&conn)?, ledger_before);
    assert!(conn.is_autocommit(), "the transaction was left open");
    // Another connection sees the same.
    drop(conn);
    let other = stillroom::open(&db)?;
    assert_eq!(snapshot(&other)?, before);
    Ok(())
}

// --- refusals -----------------------------------------------------------------

#[test]
fn an_edited_applied_migration_is_refused_until_accepted() -> TestResult {
    let f = Fixture::new("edited")?;
    let conn = memory()?;
    f.migrator().migrate(&conn)?;
    let recorded = f.history.migrations[0].checksum.clone();

    let path = f.file(R1);
    let text = fs::read_to_string(&path)?;
    fs::write(&path, format!("{text}-- reviewed: a comment added later\n"))?;
    let edited = f.reread()?;
    let current = edited.migrations[0].checksum.clone();
    assert_ne!(recorded, current);

    let before = snapshot(&conn)?;
    let migrator = Migrator::new(&edited).schema(&f.schema);
    let err = migrator.migrate(&conn).unwrap_err();
    let message = err.to_string();
    match &err {
        stillroom::Error::ChecksumMismatch {
            revision,
            path: p,
            recorded: r,
            current: c,
        } => {
            assert_eq!(revision, R1);
            assert_eq!(p, &path);
            assert_eq!(r, &recorded);
            assert_eq!(c, &current);
        }
        other => panic!("expected ChecksumMismatch, got {other:?}"),
    }
    assert!(
        message.contains(R1)
            && message.contains(&recorded)
            && message.contains(&current)
            && message.contains(&path.display().to_string())
            && message.contains("accept_edited"),
        "{message}"
    );
    assert_eq!(snapshot(&conn)?, before);
    // status reports the same problem, and nothing pending.
    let status = migrator.status(&conn)?;
    assert!(
        status
            .problem
            .as_deref()
            .is_some_and(|p| p.contains(&current)),
        "{status:?}"
    );

    migrator.accept_edited(&conn, R1)?;
    assert_eq!(ledger(&conn)?[0].3, current);
    let report = migrator.migrate(&conn)?;
    assert!(report.ran.is_empty(), "{report:?}");
    assert_eq!(report.current.as_deref(), Some(R3));

    Ok(())
}

#[test]
fn accepting_an_edit_of_a_revision_not_applied_is_refused() -> TestResult {
    let f = Fixture::new("accept-unapplied")?;
    let conn = memory()?;
    f.migrator().upgrade(&conn, &Target::Revision(R1.into()))?;
    let before = snapshot(&conn)?;
    let err = f.migrator().accept_edited(&conn, R2).unwrap_err();
    assert!(
        matches!(err, stillroom::Error::BadTarget { .. })
            && err.to_string().contains("not applied"),
        "{err:?}"
    );
    assert_eq!(snapshot(&conn)?, before);
    Ok(())
}

#[test]
fn accepting_an_edit_on_a_database_without_a_ledger_is_refused() -> TestResult {
    let f = Fixture::new("accept-fresh")?;
    let conn = memory()?;
    let before = snapshot(&conn)?;
    let err = f.migrator().accept_edited(&conn, R1).unwrap_err();
    assert!(
        matches!(err, stillroom::Error::BadTarget { .. })
            && err.to_string().contains("not applied"),
        "{err:?}: {err}"
    );
    assert_eq!(snapshot(&conn)?, before);
    Ok(())
}

#[test]
fn line_endings_and_trailing_blanks_are_not_edits() -> TestResult {
    let f = Fixture::new("crlf")?;
    let conn = memory()?;
    f.migrator().migrate(&conn)?;
    let before = snapshot(&conn)?;

    for revision in [R1, R3] {
        let path = f.file(revision);
        let text = fs::read_to_string(&path)?;
        let crlf: String = text
            .lines()
            .map(|line| format!("{line}  \t\r\n"))
            .collect::<String>()
            + "\r\n   \r\n\r\n";
        fs::write(&path, crlf)?;
    }
    let rewritten = f.reread()?;
    assert_eq!(
        rewritten
            .migrations
            .iter()
            .map(|m| &m.checksum)
            .collect::<Vec<_>>(),
        f.history
            .migrations
            .iter()
            .map(|m| &m.checksum)
            .collect::<Vec<_>>()
    );
    let report = Migrator::new(&rewritten).schema(&f.schema).migrate(&conn)?;
    assert!(report.ran.is_empty(), "{report:?}");
    assert_eq!(snapshot(&conn)?, before);

    // A rewritten file still applies to a new database.
    let fresh = memory()?;
    let report = Migrator::new(&rewritten)
        .schema(&f.schema)
        .migrate(&fresh)?;
    assert_eq!(report.ran, [R1, R2, R3]);
    Ok(())
}

#[test]
fn a_database_newer_than_the_application_is_refused() -> TestResult {
    let f = Fixture::new("newer")?;
    let conn = memory()?;
    f.migrator().migrate(&conn)?;
    let before = snapshot(&conn)?;

    // An older build of the application: its files stop at revision 2.
    fs::remove_file(f.file(R3))?;
    let older = f.reread()?;
    let older_schema = Schema::new([items(false), tags()])?;
    let migrator = Migrator::new(&older).schema(&older_schema);
    let err = migrator.migrate(&conn).unwrap_err();
    let message = err.to_string();
    match &err {
        stillroom::Error::UnknownRevision {
            revision,
            head,
            dir,
            follows_head,
        } => {
            assert_eq!(revision, R3);
            assert_eq!(head.as_deref(), Some(R2));
            assert_eq!(dir, f.dir.path());
            // R3 builds on R2: a file gone is as likely as a newer build.
            assert!(follows_head);
        }
        other => panic!("expected UnknownRevision, got {other:?}"),
    }
    let file = f.file(R3);
    assert!(
        message.contains(R3)
            && message.contains(R2)
            && message.contains(&format!("the file {} is missing here", file.display()))
            && message.contains("restore it from version control")
            && message.contains("newer version of the application")
            && message.contains("nothing was changed"),
        "{message}"
    );
    assert_eq!(snapshot(&conn)?, before);
    // Every other change is refused the same way.
    assert!(matches!(
        migrator
            .allow_data_loss(true)
            .downgrade(&conn, &Target::Relative(-1)),
        Err(stillroom::Error::UnknownRevision { .. })
    ));
    assert!(matches!(
        migrator.upgrade(&conn, &Target::Head),
        Err(stillroom::Error::UnknownRevision { .. })
    ));
    assert_eq!(snapshot(&conn)?, before);
    let status = migrator.status(&conn)?;
    assert!(status.problem.is_some() && status.pending.is_empty());
    Ok(())
}

#[test]
fn a_reordered_history_is_a_ledger_mismatch() -> TestResult {
    let f = Fixture::new("reordered")?;
    let conn = memory()?;
    f.migrator().upgrade(&conn, &Target::Revision(R2.into()))?;
    let before = snapshot(&conn)?;

    // Someone moved revision 3 before revision 2 after revision 2 ran.
    let rewrite = |revision: &str, from: &str, to: &str| -> TestResult {
        let path = f.file(revision);
        let text = fs::read_to_string(&path)?;
        fs::write(&path, text.replacen(from, to, 1))?;
        Ok(())
    };
    rewrite(R3, &format!("-- parent: {R2}"), &format!("-- parent: {R1}"))?;
    rewrite(R2, &format!("-- parent: {R1}"), &format!("-- parent: {R3}"))?;
    let reordered = f.reread()?;
    assert_eq!(reordered.migrations[1].revision, R3);

    let err = Migrator::new(&reordered)
        .schema(&f.schema)
        .migrate(&conn)
        .unwrap_err();
    let message = err.to_string();
    assert!(
        matches!(err, stillroom::Error::LedgerMismatch { .. }),
        "{err:?}"
    );
    assert!(
        message.contains(R2) && message.contains(R3) && message.contains("position 2"),
        "{message}"
    );
    assert_eq!(snapshot(&conn)?, before);
    Ok(())
}

#[test]
fn an_applied_revision_removed_from_the_files_is_a_ledger_mismatch() -> TestResult {
    let f = Fixture::new("removed")?;
    let conn = memory()?;
    f.migrator().migrate(&conn)?;
    let before = snapshot(&conn)?;

    fs::remove_file(f.file(R2))?;
    let path = f.file(R3);
    let text = fs::read_to_string(&path)?;
    fs::write(
        &path,
        text.replacen(&format!("-- parent: {R2}"), &format!("-- parent: {R1}"), 1),
    )?;
    let history = f.reread()?;
    assert_eq!(history.migrations.len(), 2);

    let err = Migrator::new(&history)
        .schema(&f.schema)
        .migrate(&conn)
        .unwrap_err();
    assert_eq!(snapshot(&conn)?, before);
    let message = err.to_string();
    assert!(
        matches!(err, stillroom::Error::LedgerMismatch { .. }),
        "{err:?}: {message}"
    );
    assert!(
        message.contains(R2) && message.contains("removed"),
        "{message}"
    );
    Ok(())
}

#[test]
fn an_applied_revision_missing_at_the_end_of_the_files_is_unknown() -> TestResult {
    // The last applied revision's file was deleted: to this program, the
    // database is at a revision it does not know.
    let f = Fixture::new("missing-last")?;
    let conn = memory()?;
    f.migrator().upgrade(&conn, &Target::Revision(R2.into()))?;
    let before = snapshot(&conn)?;
    fs::remove_file(f.file(R2))?;
    fs::remove_file(f.file(R3))?;
    let history = f.reread()?;
    let schema = Schema::new([items(false)])?;
    let err = Migrator::new(&history)
        .schema(&schema)
        .migrate(&conn)
        .unwrap_err();
    match &err {
        stillroom::Error::UnknownRevision { revision, head, .. } => {
            assert_eq!(revision, R2);
            assert_eq!(head.as_deref(), Some(R1));
        }
        other => panic!("expected UnknownRevision, got {other:?}"),
    }
    assert_eq!(snapshot(&conn)?, before);
    Ok(())
}

#[test]
fn two_heads_are_refused_before_anything_runs() -> TestResult {
    let f = Fixture::new("two-heads")?;
    let conn = memory()?;
    f.migrator().upgrade(&conn, &Target::Revision(R1.into()))?;
    let before = snapshot(&conn)?;

    fs::write(
        f.file("0002_other_branch"),
        migration_file(
            "0002_other_branch",
            Some(R1),
            "CREATE TABLE other (id INTEGER PRIMARY KEY) STRICT;",
            "DROP TABLE other;",
        ),
    )?;
    let err = f.reread().unwrap_err();
    let message = err.to_string();
    assert!(
        matches!(err, stillroom::Error::InvalidHistory { .. }),
        "{err:?}"
    );
    assert!(
        message.contains("two heads")
            && message.contains(&f.file(R2).display().to_string())
            && message.contains(&f.file("0002_other_branch").display().to_string()),
        "{message}"
    );
    assert_eq!(snapshot(&conn)?, before);
    Ok(())
}

#[test]
fn a_call_inside_an_open_transaction_is_refused() -> TestResult {
    let f = Fixture::new("in-transaction")?;
    let conn = memory()?;
    f.migrator().upgrade(&conn, &Target::Revision(R2.into()))?;
    let before = snapshot(&conn)?;

    conn.execute_batch("BEGIN")?;
    let m = f.migrator();
    let results = [
        m.migrate(&conn).map(|_| ()),
        m.upgrade(&conn, &Target::Head).map(|_| ()),
        m.allow_data_loss(true)
            .downgrade(&conn, &Target::Base)
            .map(|_| ()),
        m.stamp(&conn, &Target::Head).map(|_| ()),
        m.accept_edited(&conn, R1),
    ];
    for result in results {
        let err = result.unwrap_err();
        assert!(matches!(err, stillroom::Error::InTransaction), "{err:?}");
        let message = err.to_string();
        assert!(
            message.contains("outside any transaction")
                && message.contains("commit or roll back first"),
            "{message}"
        );
    }
    assert!(!conn.is_autocommit(), "the caller's transaction was ended");
    conn.execute_batch("ROLLBACK")?;
    assert_eq!(snapshot(&conn)?, before);
    Ok(())
}

#[test]
fn drift_by_hand_is_found_despite_the_verification_cache() -> TestResult {
    let f = Fixture::new("drift")?;
    let conn = memory()?;
    assert!(f.migrator().migrate(&conn)?.compared);
    assert!(!f.migrator().migrate(&conn)?.compared, "cached");

    let version = |conn: &Connection| -> rusqlite::Result<i64> {
        conn.query_row("PRAGMA schema_version", [], |r| r.get(0))
    };
    let cached_at = version(&conn)?;
    conn.execute_batch("ALTER TABLE items ADD COLUMN added_by_hand TEXT")?;
    // What makes the cached verification stale.
    assert_ne!(version(&conn)?, cached_at);
    let before = snapshot(&conn)?;
    let err = f.migrator().migrate(&conn).unwrap_err();
    let message = err.to_string();
    let added = Difference::ExtraColumn {
        table: "items".into(),
        column: Column {
            nullable: true,
            ..Column::new("added_by_hand", SqlType::Text)
        },
    };
    match &err {
        stillroom::Error::SchemaMismatch { differences, .. } => {
            assert_eq!(differences, std::slice::from_ref(&added));
        }
        other => panic!("expected SchemaMismatch, got {other:?}"),
    }
    assert!(
        message.contains("the database has column `items.added_by_hand`; the models do not"),
        "{message}"
    );
    assert_eq!(snapshot(&conn)?, before);

    // status and check_schema say the same.
    let status = f.migrator().status(&conn)?;
    assert_eq!(status.differences, Some(vec![added]));
    assert!(f.migrator().check_schema(&conn).is_err());
    // Undone by hand, the database passes again (and is compared again).
    conn.execute_batch("ALTER TABLE items DROP COLUMN added_by_hand")?;
    assert!(f.migrator().migrate(&conn)?.compared);
    Ok(())
}

#[test]
fn a_ledger_changed_by_hand_is_read_again_despite_the_startup_summary() -> TestResult {
    let f = Fixture::new("summary")?;
    let conn = memory()?;
    f.migrator().migrate(&conn)?;
    let summary = |conn: &Connection| -> rusqlite::Result<i64> {
        conn.query_row(
            "SELECT count(*) FROM stillroom_state WHERE key = 'startup'",
            [],
            |r| r.get(0),
        )
    };
    assert_eq!(summary(&conn)?, 1, "a start at head records the summary");
    let next = f.migrator().migrate(&conn)?;
    assert_eq!(next.current.as_deref(), Some(R3));
    assert!(next.ran.is_empty() && !next.compared);

    // An edited checksum: the trigger forgets the summary, the full path
    // reads the ledger and refuses it.
    conn.execute_batch(&format!(
        "UPDATE stillroom_migrations SET checksum = 'edited' WHERE revision = '{R2}'"
    ))?;
    assert_eq!(summary(&conn)?, 0);
    let err = f.migrator().migrate(&conn).unwrap_err();
    assert!(
        matches!(err, stillroom::Error::ChecksumMismatch { ref revision, .. } if revision == R2),
        "{err:?}"
    );
    let checksum = &f.history.migrations[1].checksum;
    conn.execute_batch(&format!(
        "UPDATE stillroom_migrations SET checksum = '{checksum}' WHERE revision = '{R2}'"
    ))?;
    f.migrator().migrate(&conn)?;
    assert_eq!(summary(&conn)?, 1);

    // A deleted row: the last revision runs again (and fails, its column
    // being there), rather than the start trusting the summary.
    conn.execute_batch(&format!(
        "DELETE FROM stillroom_migrations WHERE revision = '{R3}'"
    ))?;
    assert!(f.migrator().migrate(&conn).is_err());

    // Without the triggers, a summary is not trusted: dropping them
    // changed the schema version it holds.
    let fresh = memory()?;
    f.migrator().migrate(&fresh)?;
    fresh.execute_batch("DROP TRIGGER stillroom_migrations_update")?;
    fresh.execute_batch(&format!(
        "UPDATE stillroom_migrations SET checksum = 'edited' WHERE revision = '{R1}'"
    ))?;
    assert_eq!(summary(&fresh)?, 1, "no trigger forgot it");
    let err = f.migrator().migrate(&fresh).unwrap_err();
    assert!(
        matches!(err, stillroom::Error::ChecksumMismatch { .. }),
        "{err:?}"
    );
    Ok(())
}

/// Set in the child process of
/// `models_replaced_in_the_same_place_are_compared_again`.
const FINGERPRINT_CHILD: &str = "STILLROOM_MIGRATE_FINGERPRINT_CHILD";

#[test]
fn models_replaced_in_the_same_place_are_compared_again() -> TestResult {
    // Only the first schema of a process is cached: the scenario runs in a
    // process of its own.
    let output = std::process::Command::new(std::env::current_exe()?)
        .args([
            "--exact",
            "migrate::fingerprint_child_entry",
            "--ignored",
            "--nocapture",
        ])
        .env(FINGERPRINT_CHILD, "1")
        .output()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "the child failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    Ok(())
}

/// The child of `models_replaced_in_the_same_place_are_compared_again`:
/// does nothing unless run by it.
#[test]
#[ignore = "run in a child process by models_replaced_in_the_same_place_are_compared_again"]
fn fingerprint_child_entry() -> TestResult {
    if std::env::var_os(FINGERPRINT_CHILD).is_none() {
        return Ok(());
    }
    let f = Fixture::new("fingerprint")?;
    let conn = memory()?;
    let mut models = f.schema.clone();
    let report = Migrator::new(&f.history).schema(&models).migrate(&conn)?;
    assert!(report.compared);
    // The models change (the `price` column is gone) but no migration was
    // written: the database no longer matches them.
    models = Schema::new([items(false), tags()])?;
    let differences = Migrator::new(&f.history)
        .schema(&models)
        .status(&conn)?
        .differences
        .unwrap_or_default();
    let described: Vec<String> = differences
        .iter()
        .map(|d| d.describe(&Against::Models))
        .collect();
    let expected = "the database has column `items.price`; the models do not";
    assert_eq!(described, [expected]);
    let result = Migrator::new(&f.history).schema(&models).migrate(&conn);
    match result {
        Err(stillroom::Error::SchemaMismatch {
            differences: found, ..
        }) => {
            assert_eq!(found, differences);
        }
        other => panic!("expected SchemaMismatch, got {other:?}"),
    }
    Ok(())
}

// --- adoption ------------------------------------------------------------------

#[test]
fn a_database_made_before_stillroom_is_adopted() -> TestResult {
    let f = Fixture::new("adopt")?;
    let conn = memory()?;
    // Revision 1's schema, written by hand in another style.
    conn.execute_batch(
        "create table items (
             id   integer not null primary key,
             name text    not null
         ) strict;
         insert into items (id, name) values (1, 'apple'), (2, 'pear');",
    )?;
    let report = f.migrator().migrate(&conn)?;
    let adoption = report.adopted.as_ref().ok_or("not adopted")?;
    assert_eq!(adoption.revision, R1);
    assert!(!adoption.converts(), "{adoption:?}");
    assert_eq!(report.ran, [R2, R3]);
    assert_eq!(report.current.as_deref(), Some(R3));
    assert!(report.compared);
    assert_eq!(
        ledger_how(&conn)?,
        [
            (R1.to_owned(), "adopted".to_owned()),
            (R2.to_owned(), "applied".to_owned()),
            (R3.to_owned(), "applied".to_owned()),
        ]
    );
    assert_eq!(
        all_rows(&conn, "SELECT id, name, price FROM items")?,
        [
            r#"[Integer(1), Text("apple"), Null]"#,
            r#"[Integer(2), Text("pear"), Null]"#
        ]
    );
    assert_eq!(f.migrator().status(&conn)?.differences, Some(Vec::new()));
    Ok(())
}

#[test]
fn a_database_at_a_later_revision_is_adopted_there() -> TestResult {
    let f = Fixture::new("adopt-later")?;
    let conn = memory()?;
    for m in &f.history.migrations[..2] {
        conn.execute_batch(&m.up)?;
    }
    let report = f.migrator().migrate(&conn)?;
    assert_eq!(report.adopted.map(|a| a.revision).as_deref(), Some(R2));
    assert_eq!(report.ran, [R3]);
    assert_eq!(
        ledger_how(&conn)?
            .into_iter()
            .map(|(_, how)| how)
            .collect::<Vec<_>>(),
        ["adopted", "adopted", "applied"]
    );
    Ok(())
}

#[test]
fn a_database_matching_no_revision_is_not_adopted() -> TestResult {
    let f = Fixture::new("adopt-fail")?;
    let conn = memory()?;
    conn.execute_batch(
        "CREATE TABLE items (id INTEGER PRIMARY KEY NOT NULL, name TEXT NOT NULL, colour TEXT) STRICT;
         INSERT INTO items VALUES (1, 'apple', 'red');",
    )?;
    let before = snapshot(&conn)?;
    let err = f.migrator().migrate(&conn).unwrap_err();
    let message = err.to_string();
    match &err {
        stillroom::Error::AdoptionFailed {
            closest,
            differences,
        } => {
            assert_eq!(closest, R1);
            assert!(
                matches!(differences.as_slice(), [Difference::ExtraColumn { table, column }] if table == "items" && column.name == "colour"),
                "{differences:?}"
            );
        }
        other => panic!("expected AdoptionFailed, got {other:?}"),
    }
    assert!(
        message.contains("not adopted")
            && message.contains("nothing was changed")
            && message.contains(R1)
            && message.contains("colour"),
        "{message}"
    );
    assert_eq!(snapshot(&conn)?, before);
    assert!(ledger(&conn)?.is_empty());
    Ok(())
}

// --- downgrade and upgrade -----------------------------------------------------

#[test]
fn downgrade_and_upgrade_keep_the_data_of_surviving_columns() -> TestResult {
    let f = Fixture::new("downgrade")?;
    let conn = memory()?;
    let m = f.migrator();
    m.migrate(&conn)?;
    conn.execute_batch(
        "INSERT INTO items (id, name, price) VALUES (1, 'apple', 100), (2, 'pear', NULL);
         INSERT INTO tags (id, item_id, label) VALUES (10, 1, 'fruit');",
    )?;

    // -1 undoes the `price` column; the other columns keep their values.
    let report = m
        .allow_data_loss(true)
        .downgrade(&conn, &Target::Relative(-1))?;
    assert_eq!(report.ran, [R3]);
    assert_eq!(report.current.as_deref(), Some(R2));
    assert_eq!(columns_of(&conn, "items")?, ["id", "name"]);
    assert_eq!(
        all_rows(&conn, "SELECT * FROM items")?,
        [
            r#"[Integer(1), Text("apple")]"#,
            r#"[Integer(2), Text("pear")]"#
        ]
    );
    assert_eq!(
        all_rows(&conn, "SELECT * FROM tags")?,
        [r#"[Integer(10), Integer(1), Text("fruit")]"#]
    );
    assert_eq!(ledger(&conn)?.len(), 2);
    assert!(foreign_keys_on(&conn)?);

    // Up again: the column is back, empty.
    let report = m.upgrade(&conn, &Target::Head)?;
    assert_eq!(report.ran, [R3]);
    assert!(report.compared);
    assert_eq!(
        all_rows(&conn, "SELECT * FROM items")?,
        [
            r#"[Integer(1), Text("apple"), Null]"#,
            r#"[Integer(2), Text("pear"), Null]"#
        ]
    );

    // To a revision by id: undoes everything after it.
    let report = m
        .allow_data_loss(true)
        .downgrade(&conn, &Target::Revision(R1.into()))?;
    assert_eq!(report.ran, [R3, R2]);
    assert_eq!(report.current.as_deref(), Some(R1));
    assert_eq!(user_tables(&conn)?, ["items"]);
    assert_eq!(all_rows(&conn, "SELECT * FROM items")?.len(), 2);
    assert_eq!(ledger_how(&conn)?, [(R1.to_owned(), "applied".to_owned())]);

    // Up by +1, then by a prefix of an id, then down by a prefix.
    assert_eq!(m.upgrade(&conn, &"+1".parse()?)?.ran, [R2]);
    assert_eq!(m.upgrade(&conn, &"0003".parse()?)?.ran, [R3]);
    let report = m
        .allow_data_loss(true)
        .downgrade(&conn, &Target::Revision("0002".into()))?;
    assert_eq!(report.ran, [R3]);
    assert_eq!(report.current.as_deref(), Some(R2));

    // Targets that do not fit change nothing.
    let before = snapshot(&conn)?;
    for (target, expected) in [
        (
            Target::Relative(-3),
            "goes back past the start of the history",
        ),
        (Target::Revision("0009".into()), "no revision `0009`"),
        (
            Target::Revision("000".into()),
            "the start of several revisions",
        ),
        (Target::Head, "ahead of the database's revision"),
        // More steps than i64 holds: outside the history, not a wrap.
        (
            "-99999999999999999999".parse::<Target>()?,
            "goes back past the start of the history",
        ),
        // Not a number of steps, so a revision no file has.
        ("-+1".parse::<Target>()?, "no revision `-+1`"),
    ] {
        let err = m
            .allow_data_loss(true)
            .downgrade(&conn, &target)
            .unwrap_err();
        assert!(
            matches!(err, stillroom::Error::BadTarget { .. }) && err.to_string().contains(expected),
            "{target:?}: {err}"
        );
    }
    let err = m.upgrade(&conn, &Target::Base).unwrap_err();
    assert!(err.to_string().contains("use downgrade"), "{err}");
    assert_eq!(snapshot(&conn)?, before);

    // To base: no tables left, an empty ledger; and up again.
    let report = m.allow_data_loss(true).downgrade(&conn, &"base".parse()?)?;
    assert_eq!(report.ran, [R2, R1]);
    assert_eq!(report.current, None);
    assert!(user_tables(&conn)?.is_empty());
    assert!(ledger(&conn)?.is_empty());
    let report = m.migrate(&conn)?;
    assert_eq!(report.ran, [R1, R2, R3]);
    assert!(foreign_keys_on(&conn)?);
    Ok(())
}

// --- stamp ---------------------------------------------------------------------

#[test]
fn stamp_records_revisions_without_running_them() -> TestResult {
    let f = Fixture::new("stamp")?;
    let m = f.migrator();

    // A database whose tables are revision 1's, made by hand: stamped there,
    // then migrate applies the rest.
    let conn = memory()?;
    conn.execute_batch(&f.history.migrations[0].up)?;
    let before = snapshot(&conn)?;
    let report = m.stamp(&conn, &Target::Revision(R1.into()))?;
    assert_eq!(report.current.as_deref(), Some(R1));
    assert!(report.ran.is_empty());
    assert_eq!(ledger_how(&conn)?, [(R1.to_owned(), "stamped".to_owned())]);
    assert_eq!(
        snapshot(&conn)?.rows.iter().find(|(t, _)| t == "items"),
        before.rows.iter().find(|(t, _)| t == "items"),
    );
    let report = m.migrate(&conn)?;
    assert_eq!(report.ran, [R2, R3]);
    assert_eq!(
        ledger_how(&conn)?
            .into_iter()
            .map(|(_, how)| how)
            .collect::<Vec<_>>(),
        ["stamped", "applied", "applied"]
    );

    // Stamping an older revision forgets the later ones and keeps how the
    // earlier ones got there; stamping head again records the rest.
    m.stamp(&conn, &Target::Revision("0002".into()))?;
    assert_eq!(
        ledger_how(&conn)?,
        [
            (R1.to_owned(), "stamped".to_owned()),
            (R2.to_owned(), "applied".to_owned())
        ]
    );
    m.stamp(&conn, &Target::Head)?;
    assert_eq!(
        ledger_how(&conn)?
            .into_iter()
            .map(|(_, how)| how)
            .collect::<Vec<_>>(),
        ["stamped", "applied", "stamped"]
    );
    let checksums: Vec<String> = ledger(&conn)?.into_iter().map(|row| row.3).collect();
    let expected: Vec<String> = f
        .history
        .migrations
        .iter()
        .map(|m| m.checksum.clone())
        .collect();
    assert_eq!(checksums, expected);

    // A database at head made by hand, stamped at head: nothing to run.
    let by_hand = memory()?;
    for migration in &f.history.migrations {
        by_hand.execute_batch(&migration.up)?;
    }
    let report = m.stamp(&by_hand, &Target::Head)?;
    assert_eq!(report.current.as_deref(), Some(R3));
    assert_eq!(
        ledger_how(&by_hand)?
            .into_iter()
            .map(|(_, how)| how)
            .collect::<Vec<_>>(),
        ["stamped", "stamped", "stamped"]
    );
    let report = m.migrate(&by_hand)?;
    assert!(report.ran.is_empty(), "{report:?}");
    assert!(report.compared);

    // Stamped back to base: the ledger is empty, the tables are kept.
    m.stamp(&by_hand, &Target::Base)?;
    assert!(ledger(&by_hand)?.is_empty());
    assert_eq!(user_tables(&by_hand)?, ["items", "tags"]);
    Ok(())
}

// --- offline SQL ---------------------------------------------------------------

/// Fails unless the two databases have the same schema (but stillroom's
/// state table) and the same ledger (but times).
fn assert_same_database(offline: &Connection, applied: &Connection, what: &str) -> TestResult {
    assert_eq!(
        schema_objects(offline)?,
        schema_objects(applied)?,
        "{what}: the schemas differ"
    );
    assert_eq!(
        ledger(offline)?,
        ledger(applied)?,
        "{what}: the ledgers differ"
    );
    Ok(())
}

#[test]
fn offline_sql_is_what_migrate_runs() -> TestResult {
    let f = Fixture::new("offline")?;
    let m = f.migrator();
    let up = m.sql(None, &Target::Head)?;
    assert!(
        up.contains("BEGIN IMMEDIATE;") && up.contains("COMMIT;"),
        "{up}"
    );
    for migration in &f.history.migrations {
        assert!(up.contains(migration.up.trim_end()), "{up}");
    }

    let offline = memory()?;
    run_script(&offline, &up)?;
    let applied = memory()?;
    m.migrate(&applied)?;
    assert_same_database(&offline, &applied, "upgrade")?;
    assert_eq!(ledger(&offline)?.len(), 3);
    // The database the offline SQL built is one stillroom accepts as is.
    let report = m.migrate(&offline)?;
    assert!(report.ran.is_empty(), "{report:?}");

    // One step down, then down to base.
    let down = m.sql(Some(R3), &Target::Relative(-1))?;
    assert!(
        down.contains(&format!(
            "DELETE FROM stillroom_migrations WHERE revision = '{R3}'"
        )),
        "{down}"
    );
    run_script(&offline, &down)?;
    m.allow_data_loss(true)
        .downgrade(&applied, &Target::Relative(-1))?;
    assert_same_database(&offline, &applied, "downgrade by one")?;

    run_script(&offline, &m.sql(Some(R2), &Target::Base)?)?;
    m.allow_data_loss(true).downgrade(&applied, &Target::Base)?;
    assert_same_database(&offline, &applied, "downgrade to base")?;
    assert!(user_tables(&offline)?.is_empty());

    // From a revision up to another.
    run_script(&offline, &m.sql(None, &Target::Revision(R1.into()))?)?;
    run_script(&offline, &m.sql(Some(R1), &Target::Head)?)?;
    m.migrate(&applied)?;
    assert_same_database(&offline, &applied, "upgrade in two steps")?;
    Ok(())
}

#[test]
fn offline_sql_of_a_rebuild_is_what_migrate_runs() -> TestResult {
    let (_dir, history, schema) = rebuild_fixture("offline-rebuild")?;
    let m = Migrator::new(&history).schema(&schema);
    let up = m.sql(None, &Target::Head)?;
    assert!(
        up.starts_with("-- stillroom: base -> ")
            && up.contains("PRAGMA foreign_keys = OFF;")
            && up.contains("pragma_foreign_key_check")
            && up.trim_end().ends_with("PRAGMA foreign_keys = ON;"),
        "{up}"
    );
    let offline = memory()?;
    run_script(&offline, &up)?;
    assert!(foreign_keys_on(&offline)?);
    let applied = memory()?;
    m.migrate(&applied)?;
    assert_same_database(&offline, &applied, "upgrade with a rebuild")?;

    let head = &history.migrations[1].revision;
    run_script(&offline, &m.sql(Some(head), &Target::Relative(-1))?)?;
    m.allow_data_loss(true)
        .downgrade(&applied, &Target::Relative(-1))?;
    assert_same_database(&offline, &applied, "downgrade with a rebuild")?;
    Ok(())
}

// --- foreign keys around table rebuilds ------------------------------------------

/// Revision 1: `parents` and `children`; revision 2 changes the type of
/// `children.label`, which rebuilds the table with foreign keys off.
fn rebuild_fixture(name: &str) -> Result<(TempDir, History, Schema), Box<dyn Error>> {
    let dir = TempDir::created(name)?;
    let parents = table(
        "parents",
        &["id"],
        vec![
            Column::new("id", SqlType::Integer),
            Column::new("name", SqlType::Text),
        ],
    );
    let children = |label: SqlType| {
        let mut t = table(
            "children",
            &["id"],
            vec![
                Column::new("id", SqlType::Integer),
                Column::new("parent_id", SqlType::Integer),
                nullable("label", label),
            ],
        );
        t.foreign_keys
            .push(foreign_key("parent_id", "parents", Action::Cascade));
        t
    };
    let head = Schema::new([parents.clone(), children(SqlType::Text)])?;
    generate_all(
        dir.path(),
        &[
            (
                Schema::new([parents.clone(), children(SqlType::Integer)])?,
                "family",
            ),
            (head.clone(), "label as text"),
        ],
        true,
    )?;
    let history = History::read(dir.path())?;
    assert_eq!(history.migrations.len(), 2);
    assert!(!history.migrations[0].foreign_keys_off);
    assert!(
        history.migrations[1].foreign_keys_off,
        "a type change rebuilds the table: {}",
        history.migrations[1].up
    );
    Ok((dir, history, head))
}

#[test]
fn foreign_keys_are_on_after_a_rebuild() -> TestResult {
    let (dir, history, schema) = rebuild_fixture("rebuild-ok")?;
    let m = Migrator::new(&history).schema(&schema);
    let conn = stillroom::open(dir.join("app.db"))?;
    m.upgrade(
        &conn,
        &Target::Revision(history.migrations[0].revision.clone()),
    )?;
    conn.execute_batch(
        "INSERT INTO parents VALUES (1, 'p');
         INSERT INTO children VALUES (1, 1, 7), (2, 1, NULL);",
    )?;
    let report = m.migrate(&conn)?;
    assert_eq!(report.ran, [history.migrations[1].revision.clone()]);
    assert!(foreign_keys_on(&conn)?, "foreign keys were left off");
    assert_eq!(
        all_rows(&conn, "SELECT id, parent_id, label FROM children")?,
        [
            "[Integer(1), Integer(1), Text(\"7\")]",
            "[Integer(2), Integer(1), Null]"
        ]
    );
    // Enforced: a child of a missing parent is refused now.
    assert!(
        conn.execute("INSERT INTO children VALUES (3, 99, 'x')", [])
            .is_err()
    );

    // And down again (a rebuild too).
    m.allow_data_loss(true)
        .downgrade(&conn, &Target::Relative(-1))?;
    assert!(foreign_keys_on(&conn)?);
    assert_eq!(
        all_rows(
            &conn,
            "SELECT typeof(label) FROM children WHERE label IS NOT NULL"
        )?,
        ["[Text(\"integer\")]"]
    );
    Ok(())
}

#[test]
fn foreign_keys_are_on_after_a_rebuild_that_failed_its_check() -> TestResult {
    let (dir, history, schema) = rebuild_fixture("rebuild-fail")?;
    let m = Migrator::new(&history).schema(&schema);
    let conn = stillroom::open(dir.join("app.db"))?;
    m.upgrade(
        &conn,
        &Target::Revision(history.migrations[0].revision.clone()),
    )?;
    // Orphans slipped in while foreign keys were off.
    conn.execute_batch(
        "PRAGMA foreign_keys = OFF;
         INSERT INTO parents VALUES (1, 'p');
         INSERT INTO children VALUES (1, 1, 7), (2, 999, 8);
         PRAGMA foreign_keys = ON;",
    )?;
    let before = snapshot(&conn)?;
    let ledger_before = ledger(&conn)?;

    let err = m.migrate(&conn).unwrap_err();
    let message = err.to_string();
    match &err {
        stillroom::Error::ForeignKeyViolations { violations } => {
            assert_eq!(
                violations,
                &["row 2 of `children` references a missing row of `parents`"]
            );
        }
        other => panic!("expected ForeignKeyViolations, got {other:?}"),
    }
    assert!(message.contains("rolled back"), "{message}");
    assert!(foreign_keys_on(&conn)?, "foreign keys were left off");
    assert!(conn.is_autocommit());
    assert_eq!(snapshot(&conn)?, before);
    assert_eq!(ledger(&conn)?, ledger_before);

    // Fixed, it goes through.
    conn.execute_batch("DELETE FROM children WHERE parent_id = 999")?;
    m.migrate(&conn)?;
    assert!(foreign_keys_on(&conn)?);
    Ok(())
}

// --- statements a migration may not hold --------------------------------------

#[test]
fn pragmas_that_belong_to_the_database_or_only_read_are_allowed() -> TestResult {
    let dir = TempDir::created("allowed-pragmas")?;
    let up = "CREATE TABLE a (id INTEGER PRIMARY KEY) STRICT;\nPRAGMA user_version = 7;\nPRAGMA defer_foreign_keys = ON;\nPRAGMA journal_mode;\nPRAGMA table_info(a);";
    fs::write(
        dir.join("0001_x.sql"),
        migration_file("0001_x", None, up, "DROP TABLE a;"),
    )?;
    let history = History::read(dir.path())?;
    let conn = memory()?;
    Migrator::new(&history)
        .verification(stillroom::Verification::Off)
        .migrate(&conn)?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    assert_eq!(version, 7);
    Ok(())
}

#[test]
fn transaction_statements_in_a_migration_are_refused_before_they_run() -> TestResult {
    for (statement, expected) in [
        (
            "COMMIT;",
            "transaction statements cannot appear in a migration",
        ),
        (
            "BEGIN TRANSACTION;",
            "transaction statements cannot appear in a migration",
        ),
        ("ROLLBACK;", "ROLLBACK cannot appear in a migration"),
        (
            "PRAGMA foreign_keys = OFF;",
            "write `-- foreign-keys: off` in the header",
        ),
        (
            "VACUUM;",
            "VACUUM cannot run inside the migration transaction",
        ),
        ("PRAGMA journal_mode = WAL;", "SQLite ignores it there"),
        ("PRAGMA main.page_size=8192;", "SQLite ignores it there"),
        (
            "PRAGMA main . \"auto_vacuum\" = FULL;",
            "SQLite ignores it there",
        ),
        (
            "PRAGMA synchronous = OFF;",
            "cannot run inside the migration transaction",
        ),
        (
            "PRAGMA wal_checkpoint(TRUNCATE);",
            "cannot run inside the migration transaction",
        ),
        (
            "PRAGMA query_only = 1;",
            "sets the connection, not the database",
        ),
        (
            "pragma legacy_alter_table=on;",
            "sets the connection, not the database",
        ),
    ] {
        let dir = TempDir::created("forbidden")?;
        let up = format!(
            "CREATE TABLE a (id INTEGER PRIMARY KEY) STRICT;\n{statement}\nCREATE TABLE b (id INTEGER PRIMARY KEY) STRICT;"
        );
        fs::write(
            dir.join("0001_x.sql"),
            migration_file("0001_x", None, &up, "DROP TABLE b;\nDROP TABLE a;"),
        )?;
        let history = History::read(dir.path())?;
        let conn = memory()?;
        let before = snapshot(&conn)?;
        let err = Migrator::new(&history)
            .verification(stillroom::Verification::Off)
            .migrate(&conn)
            .map(|_| ())
            .unwrap_err();
        match &err {
            stillroom::Error::MigrationFile {
                path,
                line,
                message,
            } => {
                assert_eq!(path, &dir.join("0001_x.sql"));
                assert_eq!(*line, 8, "{statement}: {err}");
                assert!(message.contains(expected), "{statement}: {message}");
            }
            other => {
                return Err(format!("{statement}: expected MigrationFile, got {other:?}").into());
            }
        }
        assert_eq!(
            snapshot(&conn)?,
            before,
            "{statement}: the database changed"
        );
        // `check` (the CI gate) finds it too, through replay.
        assert!(matches!(
            stillroom::check(dir.path(), &Schema::default()),
            Err(stillroom::Error::MigrationFile { .. })
        ));
    }
    Ok(())
}

#[test]
fn a_savepoint_inside_a_migration_is_allowed() -> TestResult {
    let dir = TempDir::created("savepoint")?;
    let up = "CREATE TABLE a (id INTEGER PRIMARY KEY) STRICT;\nSAVEPOINT s;\nINSERT INTO a VALUES (1);\nROLLBACK TO s;\nRELEASE s;";
    fs::write(
        dir.join("0001_x.sql"),
        migration_file("0001_x", None, up, "DROP TABLE a;"),
    )?;
    let history = History::read(dir.path())?;
    let conn = memory()?;
    Migrator::new(&history)
        .verification(stillroom::Verification::Off)
        .migrate(&conn)?;
    let rows: i64 = conn.query_row("SELECT count(*) FROM a", [], |r| r.get(0))?;
    assert_eq!(rows, 0);
    Ok(())
}

#[test]
fn what_cannot_be_compared_is_named() -> TestResult {
    let conn = memory()?;
    conn.execute_batch(
        "CREATE TABLE w (id TEXT PRIMARY KEY, name TEXT COLLATE NOCASE) WITHOUT ROWID;
         CREATE TABLE g (id INTEGER PRIMARY KEY, v INTEGER, twice INTEGER GENERATED ALWAYS AS (v * 2));
         CREATE INDEX ix_g_expr ON g (v + 1);
         CREATE INDEX ix_g_partial ON g (v) WHERE v > 0;",
    )?;
    let live = stillroom::introspect(&conn)?;
    let notes = live.unsupported.join("\n");
    for expected in [
        "WITHOUT ROWID on table `w`",
        "COLLATE on column `w.name`",
        "column `g.twice`",
        "index `ix_g_expr`",
        "index `ix_g_partial`",
    ] {
        assert!(
            notes.contains(expected),
            "missing {expected:?} in:\n{notes}"
        );
    }
    Ok(())
}

// --- what a migration tells as it goes -------------------------------------------

/// A `tracing` subscriber that keeps span names and event messages with
/// their fields, to check what an application's logs would show.
#[derive(Default)]
struct Recorder {
    lines: std::sync::Mutex<Vec<String>>,
    next: std::sync::atomic::AtomicU64,
}

struct Fields(String);

impl tracing::field::Visit for Fields {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!(" {}={value:?}", field.name()));
    }
}

impl tracing::Subscriber for Recorder {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut fields = Fields(String::new());
        span.record(&mut fields);
        if let Ok(mut lines) = self.lines.lock() {
            lines.push(format!("span {}{}", span.metadata().name(), fields.0));
        }
        tracing::span::Id::from_u64(
            1 + self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        )
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut fields = Fields(String::new());
        event.record(&mut fields);
        if let Ok(mut lines) = self.lines.lock() {
            lines.push(format!("event{}", fields.0));
        }
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[test]
fn a_migration_reports_revisions_and_rebuilds_with_times_and_rows() -> TestResult {
    let (_dir, history, schema) = rebuild_fixture("events")?;
    let conn = memory()?;
    let first = History {
        migrations: history.migrations[..1].to_vec(),
    };
    Migrator::new(&first)
        .verification(stillroom::Verification::Off)
        .migrate(&conn)?;
    conn.execute_batch(
        "INSERT INTO parents (id, name) VALUES (1, 'a');
         INSERT INTO children (id, parent_id, label) VALUES (1, 1, 10), (2, 1, 20), (3, 1, NULL);",
    )?;
    let events = std::sync::Mutex::new(Vec::new());
    let progress = |event: stillroom::Event<'_>| {
        let line = match event {
            stillroom::Event::Starting { migration, .. } => {
                format!("starting {}", migration.revision)
            }
            stillroom::Event::Rebuilt { table, rows, .. } => format!("rebuilt {table} {rows}"),
            stillroom::Event::Finished { migration, .. } => {
                format!("finished {}", migration.revision)
            }
            _ => return,
        };
        if let Ok(mut events) = events.lock() {
            events.push(line);
        }
    };
    let recorder = std::sync::Arc::new(Recorder::default());
    // The global subscriber (no other test sets one): tracing caches each
    // callsite's interest for the whole process, and with a subscriber
    // scoped to this thread, the other tests' threads running the same
    // callsites at the same time could leave one cached as uninteresting.
    // The lines of those threads land here too; the checks below look for
    // this migration's.
    tracing::subscriber::set_global_default(recorder.clone())
        .map_err(|e| format!("no other test sets a global subscriber: {e}"))?;
    tracing::callsite::rebuild_interest_cache();
    Migrator::new(&history)
        .schema(&schema)
        .progress(&progress)
        .migrate(&conn)?;
    let second = &history.migrations[1].revision;
    assert_eq!(
        events.lock().map(|e| e.clone()).unwrap_or_default(),
        [
            format!("starting {second}"),
            "rebuilt children 3".to_owned(),
            format!("finished {second}")
        ]
    );
    let lines = recorder.lines.lock().map(|l| l.clone()).unwrap_or_default();
    let has = |prefix: &str| lines.iter().any(|l| l.starts_with(prefix));
    assert!(has("span migrate target=`head`"), "{lines:#?}");
    assert!(
        has(&format!("span revision revision={second} part=\"up\"")),
        "{lines:#?}"
    );
    assert!(has("span rebuild table=\"children\""), "{lines:#?}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("event message=rebuilt table table=\"children\" rows=3 ms=")),
        "{lines:#?}"
    );
    Ok(())
}
