//! Migrations embedded with `embed_migrations!` and run by
//! `stillroom::migrate`, the call an application makes at startup, against
//! the models derived here (this test binary's registry).
//!
//! The files in `tests/fixtures/embedded/` were generated from these models
//! (`emb_authors` without `email`, then `emb_books`, then `email`) and are
//! checked in; `the_fixtures_match_the_models` fails when a model changes
//! without them. Two were then given other line endings on purpose:
//! `0002_books.sql` has CRLF line endings and `0003_author_email.sql` has
//! trailing blanks and blank lines, so the checksum computed by the macro at
//! compile time and the one computed at run time must normalise text the
//! same way for `embedded_checksums_are_the_runtime_checksums` to pass.

use std::path::{Path, PathBuf};

use rusqlite::Connection;
use stillroom::{AutoIncrement, History, Migrator, Model};

type TestResult = Result<(), Box<dyn std::error::Error>>;

static MIGRATIONS: stillroom::Migrations = stillroom::embed_migrations!("fixtures/embedded");

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "emb_authors")]
struct Author {
    #[model(primary_key, autoincrement)]
    id: i64,
    #[model(unique)]
    name: String,
    email: Option<String>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "emb_books")]
struct Book {
    #[model(primary_key)]
    isbn: String,
    #[model(references = "emb_authors(id)", on_delete = "cascade", index)]
    author_id: i64,
    title: String,
    #[model(default = "0", check = "pages >= 0")]
    pages: i64,
}

const REVISIONS: [&str; 3] = ["0001_authors", "0002_books", "0003_author_email"];

/// The fixture directory on disk.
fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/embedded")
}

/// A fresh in-memory database, configured as applications do.
fn database() -> Result<Connection, Box<dyn std::error::Error>> {
    let conn = Connection::open_in_memory()?;
    stillroom::configure(&conn)?;
    Ok(conn)
}

#[test]
fn the_fixtures_match_the_models() -> TestResult {
    stillroom::check(fixtures(), stillroom::registry()?)?;
    Ok(())
}

#[test]
fn the_embedded_history_parses_and_is_the_directory() -> TestResult {
    assert_eq!(MIGRATIONS.len(), 3);
    assert!(!MIGRATIONS.is_empty());
    assert_eq!(MIGRATIONS.dir(), fixtures());
    let history = MIGRATIONS.history()?;
    let revisions: Vec<&str> = history
        .migrations
        .iter()
        .map(|m| m.revision.as_str())
        .collect();
    assert_eq!(revisions, REVISIONS);
    assert_eq!(history.migrations[1].parent.as_deref(), Some(REVISIONS[0]));
    // Parsed once: the same value on every call.
    assert!(std::ptr::eq(history, MIGRATIONS.history()?));
    // The embedded set is the default set.
    assert_eq!(stillroom::Migrations::default_set()?.dir(), fixtures());
    // And it is what reading the directory now gives, checksums included.
    assert_eq!(history, &History::read(&fixtures())?);
    Ok(())
}

#[test]
fn embedded_checksums_are_the_runtime_checksums() -> TestResult {
    let history = MIGRATIONS.history()?;
    assert_eq!(history.migrations.len(), 3);
    for m in &history.migrations {
        assert_eq!(m.path, fixtures().join(format!("{}.sql", m.revision)));
        let text = std::fs::read_to_string(&m.path)?;
        assert_eq!(
            m.checksum,
            stillroom::checksum(&text),
            "{}: the checksum computed by embed_migrations! differs from stillroom::checksum",
            m.path.display()
        );
    }
    // The fixtures still hold what makes this test mean something.
    let crlf = std::fs::read_to_string(fixtures().join("0002_books.sql"))?;
    assert!(
        crlf.contains("\r\n"),
        "0002_books.sql must keep its CRLF line endings (was it normalised by git?)"
    );
    let blanks = std::fs::read_to_string(fixtures().join("0003_author_email.sql"))?;
    assert!(
        blanks.lines().any(|l| l != l.trim_end()) && blanks.ends_with("\n\n"),
        "0003_author_email.sql must keep its trailing blanks"
    );
    Ok(())
}

/// `embed_migrations!` computes the files' digest at compile time; a set
/// made from the same files at run time computes it there. The no-op start
/// compares it with what the full path recorded from the parsed history.
#[test]
fn the_compile_time_digest_is_the_runtime_digest() -> TestResult {
    let mut files = Vec::new();
    for revision in REVISIONS {
        let name: &'static str = Box::leak(format!("{revision}.sql").into_boxed_str());
        let text: &'static str =
            Box::leak(std::fs::read_to_string(fixtures().join(name))?.into_boxed_str());
        let checksum: &'static str = Box::leak(stillroom::checksum(text).into_boxed_str());
        files.push(stillroom::__private::EmbeddedFile {
            name,
            text,
            checksum,
        });
    }
    let at_run_time = stillroom::Migrations::__new(Box::leak(files.into_boxed_slice()), "x");
    assert_eq!(MIGRATIONS.__digest(), at_run_time.__digest());
    assert_eq!(
        stillroom::Migrations::default_set()?.__digest(),
        MIGRATIONS.__digest()
    );
    Ok(())
}

#[test]
fn migrate_with_the_default_set_then_crud() -> TestResult {
    let conn = database()?;
    let report = stillroom::migrate(&conn)?;
    assert_eq!(report.ran, REVISIONS);
    assert_eq!(report.current.as_deref(), Some(REVISIONS[2]));
    assert!(report.compared);
    let again = stillroom::migrate(&conn)?;
    assert!(again.ran.is_empty() && !again.compared, "{again:?}");

    let mut ada = Author {
        id: 0,
        name: "Ada".into(),
        email: None,
    };
    let id = ada.insert_new(&conn)?;
    assert_eq!(ada.id, id);
    let mut grace = Author {
        id: 0,
        name: "Grace".into(),
        email: Some("grace@example.invalid".into()),
    };
    grace.insert_new(&conn)?;
    // `name` is unique.
    let mut twin = ada.clone();
    assert!(twin.insert_new(&conn).is_err());

    let notes = Book {
        isbn: "978-0".into(),
        author_id: ada.id,
        title: "Notes".into(),
        pages: 40,
    };
    notes.insert(&conn)?;
    Book {
        isbn: "978-1".into(),
        author_id: grace.id,
        title: "Compilers".into(),
        pages: 300,
    }
    .insert(&conn)?;
    // The foreign key and the check are enforced.
    let orphan = Book {
        isbn: "978-2".into(),
        author_id: 999,
        title: "Orphan".into(),
        pages: 1,
    };
    assert!(orphan.insert(&conn).is_err());
    let negative = Book {
        pages: -1,
        isbn: "978-3".into(),
        ..notes.clone()
    };
    assert!(negative.insert(&conn).is_err());

    assert_eq!(Book::get(&conn, "978-0".to_owned())?, Some(notes.clone()));
    ada.email = Some("ada@example.invalid".into());
    assert!(ada.update(&conn)?);
    assert_eq!(Author::get(&conn, ada.id)?, Some(ada.clone()));
    assert_eq!(Author::all(&conn)?, [ada.clone(), grace.clone()]);
    assert_eq!(
        Book::select(&conn, "pages > ?1 ORDER BY isbn", [100])?
            .iter()
            .map(|b| b.title.as_str())
            .collect::<Vec<_>>(),
        ["Compilers"]
    );

    // Deleting an author deletes its books (ON DELETE CASCADE).
    assert!(ada.delete(&conn)?);
    assert_eq!(Book::count(&conn)?, 1);
    assert_eq!(Book::get(&conn, "978-0".to_owned())?, None);
    assert_eq!(Author::count(&conn)?, 1);
    Ok(())
}

#[test]
fn a_no_op_start_trusts_the_summary_only_while_nothing_changed() -> TestResult {
    let conn = database()?;
    stillroom::migrate(&conn)?;
    // The summary the full path recorded matches what a start computes
    // without parsing a file or building a table.
    let again = stillroom::migrate(&conn)?;
    assert_eq!(again.current.as_deref(), Some(REVISIONS[2]));
    assert!(again.ran.is_empty() && !again.compared);
    let summary = |conn: &Connection| -> rusqlite::Result<Option<String>> {
        use rusqlite::OptionalExtension as _;
        conn.query_row(
            "SELECT value FROM stillroom_state WHERE key = 'startup'",
            [],
            |r| r.get(0),
        )
        .optional()
    };
    let recorded = summary(&conn)?.ok_or("no startup summary")?;
    stillroom::migrate(&conn)?;
    assert_eq!(
        summary(&conn)?.as_deref(),
        Some(recorded.as_str()),
        "not rewritten"
    );

    // A ledger row edited by hand is read and refused.
    conn.execute_batch(
        "UPDATE stillroom_migrations SET checksum = 'edited' WHERE revision = '0002_books'",
    )?;
    let err = stillroom::migrate(&conn).unwrap_err();
    assert!(
        matches!(err, stillroom::Error::ChecksumMismatch { .. }),
        "{err:?}"
    );

    // A schema changed by hand is compared again, and refused.
    let other = database()?;
    stillroom::migrate(&other)?;
    other.execute_batch("ALTER TABLE emb_books ADD COLUMN added_by_hand TEXT")?;
    let err = stillroom::migrate(&other).unwrap_err();
    assert!(
        matches!(err, stillroom::Error::SchemaMismatch { .. }),
        "{err:?}"
    );
    Ok(())
}

#[test]
fn the_embedded_set_downgrades_and_upgrades() -> TestResult {
    let conn = database()?;
    let history = MIGRATIONS.history()?;
    let migrator = Migrator::new(history);
    migrator.migrate(&conn)?;
    let report = migrator.downgrade(&conn, &"-1".parse()?)?;
    assert_eq!(report.ran, [REVISIONS[2]]);
    let status = migrator.status(&conn)?;
    assert_eq!(status.pending, [REVISIONS[2]]);
    let report = stillroom::migrate(&conn)?;
    assert_eq!(report.ran, [REVISIONS[2]]);
    assert_eq!(migrator.status(&conn)?.differences, Some(Vec::new()));
    Ok(())
}

/// A build that embeds other files than its migrations directory now holds
/// (a file was added and Cargo did not rebuild) says so in debug builds,
/// instead of silently running without the new migration.
#[test]
#[cfg(debug_assertions)]
fn a_stale_build_is_refused() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("stillroom-stale-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let text = "-- stillroom migration\n-- revision: 0001_a\n-- parent: none\n-- message: a\n\n-- migrate:up\nCREATE TABLE a (id INTEGER PRIMARY KEY);\n";
    std::fs::write(dir.join("0001_a.sql"), text)?;
    std::fs::write(dir.join("0002_new.sql"), text.replace("0001_a", "0002_new"))?;
    let files: &'static [stillroom::__private::EmbeddedFile] =
        Box::leak(Box::new([stillroom::__private::EmbeddedFile {
            name: "0001_a.sql",
            text,
            checksum: Box::leak(stillroom::checksum(text).into_boxed_str()),
        }]));
    let dir_text: &'static str = Box::leak(dir.display().to_string().into_boxed_str());
    let set = stillroom::Migrations::__new(files, dir_text);
    let err = set.history().map(|_| ()).unwrap_err();
    assert!(
        matches!(err, stillroom::Error::StaleMigrations { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("new there: 0002_new.sql"), "{err}");
    std::fs::remove_file(dir.join("0002_new.sql"))?;
    assert_eq!(set.history()?.migrations.len(), 1);
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
