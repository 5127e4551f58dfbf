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
