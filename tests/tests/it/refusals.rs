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
