//! Every start that refuses a database leaves its file byte for byte as it
//! was: no journal-mode switch (`stillroom::open` waits for a migration to
//! accept the database), no ledger or state row, no side file left behind.
//! Each case opens an existing database the way an application does
//! (`stillroom::open`, then `migrate`) and compares the file before and after.

use std::fs;
use std::path::Path;

use rusqlite::Connection;
use stillroom::{Error, GenerateOptions, History, Migrator, Model, ModelSet, Schema};

use crate::common::{FileState, TempDir, TestResult, file_state};

#[derive(Model)]
#[model(table = "note")]
struct Note {
    #[model(primary_key)]
    id: i64,
    body: String,
}

#[derive(Model)]
#[model(table = "note")]
struct NoteWithTitle {
    #[model(primary_key)]
    id: i64,
    body: String,
    title: Option<String>,
}

/// A database at head of a two-revision history, made by a plain
/// connection (rollback journal), with a row; and the history's directory.
struct Setup {
    dir: TempDir,
    db: std::path::PathBuf,
    schema: Schema,
}

impl Setup {
    fn new(name: &str) -> Result<Self, Box<dyn std::error::Error>> {
        let dir = TempDir::created(name)?;
        let migrations = dir.join("migrations");
        let first = ModelSet::new().with::<Note>().build()?;
        stillroom::generate(&migrations, &first, "notes", GenerateOptions::default())?;
        let schema = ModelSet::new().with::<NoteWithTitle>().build()?;
        stillroom::generate(&migrations, &schema, "title", GenerateOptions::default())?;
        let db = dir.join("app.db");
        let conn = Connection::open(&db)?;
        Migrator::new(&History::read(&migrations)?)
            .schema(&schema)
            .migrate(&conn)?;
        conn.execute("INSERT INTO note (id, body) VALUES (1, 'kept')", [])?;
        Ok(Self { dir, db, schema })
    }

    fn migrations(&self) -> std::path::PathBuf {
        self.dir.join("migrations")
    }

    /// The history as it is on disk now.
    fn history(&self) -> stillroom::Result<History> {
        History::read(&self.migrations())
    }

    /// Opens the database as an application does and migrates it with
    /// `history` and `schema`; returns the error and checks the file did
    /// not change.
    fn refused(
        &self,
        history: &History,
        schema: &Schema,
    ) -> Result<Error, Box<dyn std::error::Error>> {
        let before: FileState = file_state(&self.db)?;
        let conn = stillroom::open(&self.db)?;
        let result = Migrator::new(history).schema(schema).migrate(&conn);
        drop(conn);
        let err = match result {
            Ok(report) => return Err(format!("expected a refusal, got {report:?}").into()),
            Err(e) => e,
        };
        assert_eq!(
            file_state(&self.db)?,
            before,
            "the refusal `{err}` changed the file"
        );
        let mode: String =
            Connection::open(&self.db)?.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        assert_eq!(mode, "delete");
        Ok(err)
    }

    fn file(&self, revision: usize) -> std::io::Result<std::path::PathBuf> {
        let mut files: Vec<_> = fs::read_dir(self.migrations())?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        files.sort();
        Ok(files[revision].clone())
    }
}

#[test]
fn an_edited_applied_migration() -> TestResult {
    let s = Setup::new("refuse-edited")?;
    let path = s.file(0)?;
    fs::write(&path, fs::read_to_string(&path)? + "-- an afterthought\n")?;
    let err = s.refused(&s.history()?, &s.schema)?;
    assert!(matches!(err, Error::ChecksumMismatch { .. }), "{err:?}");
    Ok(())
}

#[test]
fn a_database_newer_than_the_build() -> TestResult {
    let s = Setup::new("refuse-newer")?;
    fs::remove_file(s.file(1)?)?;
    let first = ModelSet::new().with::<Note>().build()?;
    let err = s.refused(&s.history()?, &first)?;
    assert!(matches!(err, Error::UnknownRevision { .. }), "{err:?}");
    Ok(())
}

#[test]
fn models_that_differ_from_the_database() -> TestResult {
    let s = Setup::new("refuse-mismatch")?;
    let other = ModelSet::new().with::<Note>().build()?;
    let err = s.refused(&s.history()?, &other)?;
    assert!(matches!(err, Error::SchemaMismatch { .. }), "{err:?}");
    Ok(())
}

#[test]
fn a_pending_migration_that_fails() -> TestResult {
    let s = Setup::new("refuse-failing")?;
    stillroom::empty_revision(&s.migrations(), "broken")?;
    let path = s.file(2)?;
    let text = fs::read_to_string(&path)?.replace(
        "-- Write the upgrade here, statements ending in `;`.",
        "ALTER TABLE note ADD COLUMN extra TEXT;\nINSERT INTO missing_table VALUES (1);",
    );
    fs::write(&path, text)?;
    let err = s.refused(&s.history()?, &s.schema)?;
    assert!(matches!(err, Error::Statement(_)), "{err:?}");
    assert!(err.to_string().contains("missing_table"), "{err}");
    Ok(())
}

#[test]
fn a_reordered_history() -> TestResult {
    let s = Setup::new("refuse-reordered")?;
    let mut history = s.history()?;
    history.migrations.swap(0, 1);
    let err = s.refused(&history, &s.schema)?;
    assert!(matches!(err, Error::LedgerMismatch { .. }), "{err:?}");
    Ok(())
}

#[test]
fn an_accepted_database_switches_to_wal_after_migrating() -> TestResult {
    let s = Setup::new("accept-wal")?;
    let conn = stillroom::open(&s.db)?;
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
    assert_eq!(
        mode, "delete",
        "open switched before migrate accepted the database"
    );
    Migrator::new(&s.history()?)
        .schema(&s.schema)
        .migrate(&conn)?;
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
    assert_eq!(mode, "wal");
    // A new database is WAL from the start.
    let fresh = s.dir.join("fresh.db");
    let conn = stillroom::open(&fresh)?;
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
    assert_eq!(mode, "wal");
    assert!(Path::new(&fresh).exists());
    Ok(())
}

// ---------------------------------------------------------------------------
// Offline SQL run with the stock sqlite3 shell stops at the first failure,
// and the database is unchanged.

/// A third revision that rebuilds `note` making `title` NOT NULL: its copy
/// fails on a row whose title is NULL.
fn with_failing_rebuild(s: &Setup) -> Result<History, Box<dyn std::error::Error>> {
    let mut tables = s.schema.tables().to_vec();
    let title = tables[0]
        .columns
        .iter_mut()
        .find(|c| c.name == "title")
        .ok_or("title")?;
    title.nullable = false;
    let strict = Schema::new(tables)?;
    stillroom::generate(
        &s.migrations(),
        &strict,
        "title required",
        GenerateOptions {
            allow_data_loss: true,
            allow_loss_of: Vec::new(),
            rust_step: None,
        },
    )?;
    Ok(s.history()?)
}

#[test]
fn an_offline_script_that_fails_changes_nothing() -> TestResult {
    let s = Setup::new("offline-fails")?;
    let history = with_failing_rebuild(&s)?;
    let from = history.migrations[1].revision.clone();
    let script = Migrator::new(&history).sql(Some(&from), &stillroom::Target::Head)?;
    let before = file_state(&s.db)?;
    let Some(run) = crate::common::sqlite3(&s.db, &script)? else {
        return Ok(());
    };
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success(), "the script went on: {stderr}");
    assert!(stderr.contains("NOT NULL constraint failed"), "{stderr}");
    assert_eq!(
        file_state(&s.db)?,
        before,
        "a failed script changed the file"
    );
    Ok(())
}

#[test]
fn an_offline_script_for_another_revision_aborts() -> TestResult {
    let s = Setup::new("offline-elsewhere")?;
    let history = s.history()?;
    // The database is at head; this script starts from the first revision.
    let from = history.migrations[0].revision.clone();
    let script = Migrator::new(&history).sql(Some(&from), &stillroom::Target::Head)?;
    let before = file_state(&s.db)?;
    let Some(run) = crate::common::sqlite3(&s.db, &script)? else {
        return Ok(());
    };
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success());
    assert!(
        stderr.contains(&format!(
            "stillroom: the database is not at revision {from}, which this script starts from; nothing was changed"
        )),
        "{stderr}"
    );
    assert_eq!(file_state(&s.db)?, before);
    Ok(())
}

#[test]
fn an_offline_script_that_would_break_a_foreign_key_aborts() -> TestResult {
    #[derive(Model)]
    #[model(table = "tag")]
    struct Tag {
        #[model(primary_key)]
        id: i64,
        #[model(references = "note(id)")]
        note_id: i64,
    }
    let dir = TempDir::created("offline-fk")?;
    let migrations = dir.join("migrations");
    let a = ModelSet::new().with::<Note>().with::<Tag>().build()?;
    stillroom::generate(
        &migrations,
        &a,
        "notes and tags",
        GenerateOptions::default(),
    )?;
    let db = dir.join("app.db");
    let conn = Connection::open(&db)?;
    let first = History::read(&migrations)?;
    Migrator::new(&first).schema(&a).migrate(&conn)?;
    // An orphan, kept while foreign keys were off (as another tool might).
    conn.execute_batch("PRAGMA foreign_keys = OFF; INSERT INTO note VALUES (1, 'a'); INSERT INTO tag VALUES (1, 99);")?;
    drop(conn);
    // The next revision rebuilds `note` (a new NOT NULL column with a
    // default that is an expression), so it runs with foreign keys off and
    // checks them before commit.
    let mut tables = a.tables().to_vec();
    let note = tables.iter_mut().find(|t| t.name == "note").ok_or("note")?;
    let mut stamp = stillroom::Column::new("stamp", stillroom::SqlType::Text);
    stamp.default = Some("(datetime('now'))".into());
    note.columns.push(stamp);
    let b = Schema::new(tables)?;
    stillroom::generate(&migrations, &b, "stamp", GenerateOptions::default())?;
    let history = History::read(&migrations)?;
    assert!(
        history.migrations[1].foreign_keys_off,
        "the test needs a rebuild"
    );
    let script = Migrator::new(&history).sql(
        Some(&first.migrations[0].revision),
        &stillroom::Target::Head,
    )?;
    let before = file_state(&db)?;
    let Some(run) = crate::common::sqlite3(&db, &script)? else {
        return Ok(());
    };
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success());
    assert!(
        stderr.contains("stillroom: rows would reference rows that do not exist"),
        "{stderr}"
    );
    assert_eq!(file_state(&db)?, before);
    Ok(())
}

#[test]
fn a_rebuild_on_a_connection_with_foreign_keys_already_off_is_still_checked() -> TestResult {
    #[derive(Model)]
    #[model(table = "tag")]
    struct Tag {
        #[model(primary_key)]
        id: i64,
        #[model(references = "note(id)")]
        note_id: i64,
    }
    let dir = TempDir::created("caller-fk-off")?;
    let migrations = dir.join("migrations");
    let a = ModelSet::new().with::<Note>().with::<Tag>().build()?;
    stillroom::generate(
        &migrations,
        &a,
        "notes and tags",
        GenerateOptions::default(),
    )?;
    // A rebuild of `note` (a new column whose default is an expression).
    let mut tables = a.tables().to_vec();
    let note = tables.iter_mut().find(|t| t.name == "note").ok_or("note")?;
    let mut stamp = stillroom::Column::new("stamp", stillroom::SqlType::Text);
    stamp.default = Some("(datetime('now'))".into());
    note.columns.push(stamp);
    let b = Schema::new(tables)?;
    stillroom::generate(&migrations, &b, "stamp", GenerateOptions::default())?;
    let history = History::read(&migrations)?;
    assert!(
        history.migrations[1].foreign_keys_off,
        "the test needs a rebuild"
    );

    let db = dir.join("app.db");
    let conn = Connection::open(&db)?;
    Migrator::new(&History {
        migrations: history.migrations[..1].to_vec(),
    })
    .schema(&a)
    .migrate(&conn)?;
    // The application's connection has foreign keys off (rusqlite without
    // `stillroom::open`), and an orphan got in.
    conn.execute_batch("PRAGMA foreign_keys = OFF; INSERT INTO tag VALUES (1, 99);")?;
    let before = file_state(&db)?;
    let err = Migrator::new(&history)
        .schema(&b)
        .migrate(&conn)
        .unwrap_err();
    assert!(matches!(err, Error::ForeignKeyViolations { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("row 1 of `tag` references a missing row of `note`"),
        "{err}"
    );
    drop(conn);
    assert_eq!(file_state(&db)?, before);
    Ok(())
}

// ---------------------------------------------------------------------------
// A file that is not a usable database is named, with what is wrong.

#[test]
fn a_file_that_is_not_a_database_is_named() -> TestResult {
    let dir = TempDir::created("not-a-database")?;
    let path = dir.join("app.db");
    fs::write(&path, "these are notes, not a database\n".repeat(200))?;
    let before = file_state(&path)?;
    let err = stillroom::open(&path).unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, Error::Database { .. }), "{err:?}");
    assert!(
        message.starts_with(&path.display().to_string())
            && message.contains("not a SQLite database"),
        "{message}"
    );
    assert_eq!(file_state(&path)?, before);
    Ok(())
}

#[test]
fn a_truncated_database_is_named() -> TestResult {
    let s = Setup::new("truncated")?;
    // Fill it, so that its tables span many pages; then cut it in half.
    let conn = Connection::open(&s.db)?;
    conn.execute_batch(
        "WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
         INSERT INTO note (id, body) SELECT i, printf('%0500d', i) FROM n;",
    )?;
    drop(conn);
    let bytes = fs::read(&s.db)?;
    fs::write(&s.db, &bytes[..bytes.len() / 2])?;
    let before = file_state(&s.db)?;
    let result = stillroom::open(&s.db).and_then(|conn| {
        Migrator::new(&s.history()?)
            .schema(&s.schema)
            .migrate(&conn)?;
        conn.query_row("SELECT count(*) FROM note", [], |r| r.get::<_, i64>(0))
            .map_err(|e| Error::from(e).at_path(&s.db))
    });
    let err = result.map(|_| ()).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains(&s.db.display().to_string())
            && (message.contains("damaged") || message.contains("not a SQLite database")),
        "{message}"
    );
    assert_eq!(file_state(&s.db)?, before);
    Ok(())
}

#[test]
fn a_read_only_database_is_named() -> TestResult {
    let s = Setup::new("read-only")?;
    stillroom::empty_revision(&s.migrations(), "more")?;
    let path = s.file(2)?;
    let text = fs::read_to_string(&path)?.replace(
        "-- Write the upgrade here, statements ending in `;`.",
        "CREATE TABLE extra (id INTEGER PRIMARY KEY) STRICT;",
    );
    fs::write(&path, text)?;
    let before = file_state(&s.db)?;
    let conn = Connection::open_with_flags(&s.db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let err = Migrator::new(&s.history()?)
        .schema(&s.schema)
        .migrate(&conn)
        .unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains(&s.db.display().to_string()) && message.contains("read-only"),
        "{message}"
    );
    drop(conn);
    assert_eq!(file_state(&s.db)?, before);
    Ok(())
}

#[test]
fn a_full_disk_during_a_migration_says_so_and_changes_nothing() -> TestResult {
    let s = Setup::new("full-disk")?;
    stillroom::empty_revision(&s.migrations(), "big")?;
    let path = s.file(2)?;
    let text = fs::read_to_string(&path)?.replace(
        "-- Write the upgrade here, statements ending in `;`.",
        "CREATE TABLE big (id INTEGER PRIMARY KEY, pad TEXT) STRICT;\nWITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) INSERT INTO big SELECT i, printf('%0200d', i) FROM n;",
    );
    fs::write(&path, text)?;
    let before = file_state(&s.db)?;
    let conn = Connection::open(&s.db)?;
    // The file may not grow past a few pages: SQLite's "database or disk is
    // full", as on a full disk or at a file-size limit.
    let pages: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
    conn.query_row(
        &format!("PRAGMA max_page_count = {}", pages + 4),
        [],
        |_| Ok(()),
    )?;
    let err = Migrator::new(&s.history()?)
        .schema(&s.schema)
        .migrate(&conn)
        .unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("database or disk is full") && !message.contains("cannot rollback"),
        "{message}"
    );
    drop(conn);
    assert_eq!(file_state(&s.db)?, before);
    Ok(())
}

#[test]
fn a_ledger_of_another_shape_is_named() -> TestResult {
    let dir = TempDir::created("ledger-shape")?;
    let path = dir.join("app.db");
    let conn = Connection::open(&path)?;
    conn.execute_batch(
        "CREATE TABLE stillroom_migrations (version INTEGER PRIMARY KEY, name TEXT);
         INSERT INTO stillroom_migrations VALUES (1, 'init');",
    )?;
    drop(conn);
    let s = Setup::new("ledger-shape-history")?;
    let before = file_state(&path)?;
    let conn = stillroom::open(&path)?;
    let err = Migrator::new(&s.history()?)
        .schema(&s.schema)
        .migrate(&conn)
        .unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, Error::LedgerShape { .. }), "{err:?}");
    assert!(
        message.contains("is not stillroom's ledger") && message.contains("no such column"),
        "{message}"
    );
    drop(conn);
    assert_eq!(file_state(&path)?, before);
    Ok(())
}

// ---------------------------------------------------------------------------
// Downgrades that lose or change data are refused unless allowed; one that
// cannot run names the rows in the way.

/// A history whose second revision widens `tally`'s key to (a, b) and turns
/// `n` from INTEGER into TEXT: its down part narrows the key back and turns
/// text back into integers.
fn widening(dir: &TempDir) -> Result<(History, Schema), Box<dyn std::error::Error>> {
    use stillroom::{Column, SqlType, Table};
    let migrations = dir.join("migrations");
    let table = |key: &[&str], n: SqlType| -> Table {
        let mut t = Table::new("tally");
        t.columns = vec![
            Column::new("a", SqlType::Text),
            Column {
                default: Some("''".into()),
                ..Column::new("b", SqlType::Text)
            },
            Column::new("n", n),
        ];
        t.primary_key.columns = key.iter().map(|k| (*k).to_owned()).collect();
        t
    };
    stillroom::generate(
        &migrations,
        &Schema::new([table(&["a"], SqlType::Integer)])?,
        "tally",
        GenerateOptions::default(),
    )?;
    let wide = Schema::new([table(&["a", "b"], SqlType::Text)])?;
    stillroom::generate(
        &migrations,
        &wide,
        "wider key, text counts",
        GenerateOptions::default(),
    )?;
    Ok((History::read(&migrations)?, wide))
}

#[test]
fn a_downgrade_that_loses_or_changes_data_is_refused_unless_allowed() -> TestResult {
    let dir = TempDir::created("downgrade-loss")?;
    let (history, wide) = widening(&dir)?;
    assert_eq!(
        history.migrations[1].down_data_loss,
        ["changes `tally.n` from TEXT to INTEGER: values that do not convert are lost or fail"]
    );
    let db = dir.join("app.db");
    let conn = Connection::open(&db)?;
    let m = Migrator::new(&history).schema(&wide);
    m.migrate(&conn)?;
    conn.execute_batch("INSERT INTO tally VALUES ('x', 'one', 'many')")?;
    let before = file_state(&db)?;
    let err = m
        .downgrade(&conn, &stillroom::Target::Relative(-1))
        .unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, Error::DowngradeLosesData { .. }), "{err:?}");
    assert!(
        message.contains(&format!(
            "revision `{}`: changes `tally.n` from TEXT to INTEGER",
            history.migrations[1].revision
        )) && message.contains("--allow-data-loss"),
        "{message}"
    );
    assert_eq!(file_state(&db)?, before);
    // Allowed, it runs: here it fails, since the STRICT INTEGER column
    // cannot hold 'many', and says so; with a value that converts, it works.
    let err = m
        .allow_data_loss(true)
        .downgrade(&conn, &stillroom::Target::Relative(-1))
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("cannot store TEXT value in INTEGER column"),
        "{err}"
    );
    assert_eq!(file_state(&db)?, before);
    conn.execute_batch("UPDATE tally SET n = '7'")?;
    m.allow_data_loss(true)
        .downgrade(&conn, &stillroom::Target::Relative(-1))?;
    let n: i64 = conn.query_row("SELECT n FROM tally", [], |r| r.get(0))?;
    assert_eq!(n, 7);
    Ok(())
}

#[test]
fn a_down_part_that_narrows_a_key_names_the_rows_that_collide() -> TestResult {
    let dir = TempDir::created("downgrade-collision")?;
    let (history, wide) = widening(&dir)?;
    let db = dir.join("app.db");
    let conn = Connection::open(&db)?;
    let m = Migrator::new(&history).schema(&wide).allow_data_loss(true);
    m.migrate(&conn)?;
    conn.execute_batch(
        "INSERT INTO tally VALUES ('x', 'one', '1'), ('x', 'two', '2'), ('y', '', '3')",
    )?;
    let before = file_state(&db)?;
    let err = m
        .downgrade(&conn, &stillroom::Target::Relative(-1))
        .unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("table `tally`: (a) must be unique in the rebuilt table, and these rows share a value: ('x') in 2 rows"),
        "{message}"
    );
    assert!(!message.contains("_stillroom_new_tally:"), "{message}");
    drop(conn);
    assert_eq!(file_state(&db)?, before);
    Ok(())
}

#[test]
fn a_ledger_that_lost_rows_is_named_with_what_stamp_would_do() -> TestResult {
    let s = Setup::new("ledger-lost-rows")?;
    let history = s.history()?;
    let second = history.migrations[1].revision.clone();
    // Someone deleted the ledger's last row: the second revision (which
    // added `note.title`) runs again and fails.
    Connection::open(&s.db)?.execute(
        "DELETE FROM stillroom_migrations WHERE revision = ?1",
        [&second],
    )?;
    let err = s.refused(&history, &s.schema)?;
    let message = err.to_string();
    assert!(matches!(err, Error::AlreadyApplied { .. }), "{err:?}");
    assert!(
        message.contains("duplicate column name: title")
            && message.contains(&format!("already has the schema of revision `{second}`"))
            && message.contains(&format!("`stamp {second}`")),
        "{message}"
    );
    Ok(())
}
