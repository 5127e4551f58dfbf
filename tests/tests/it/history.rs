//! Reading a migrations directory: malformed files (named, with the line),
//! histories that are not one line of revisions (named, with the fix), what
//! is ignored, line endings, replay errors that point at the statement, and
//! files without a down part.

use std::fs;
use std::path::{Path, PathBuf};

use crate::common::{TempDir, TestResult, column, table};
use stillroom::{
    Error, GenerateOptions, History, Migration, Schema, SqlType, check, generate, replay,
};

/// A migration file's text with the usual header.
fn file(revision: &str, parent: &str, up: &str, down: Option<&str>) -> String {
    let mut text = format!(
        "-- stillroom migration\n-- revision: {revision}\n-- parent: {parent}\n-- message: test\n\n-- migrate:up\n{up}"
    );
    if let Some(down) = down {
        text.push_str("\n-- migrate:down\n");
        text.push_str(down);
    }
    text
}

/// Writes `files` (name, text) into a new directory.
fn directory(name: &str, files: &[(&str, &str)]) -> std::io::Result<TempDir> {
    let dir = TempDir::created(name)?;
    for (file, text) in files {
        fs::write(dir.join(file), text)?;
    }
    Ok(dir)
}

/// The `MigrationFile` error of reading a directory holding only `text` as
/// `name`: (line, message), having checked the path and the display.
fn file_error(
    dir_name: &str,
    name: &str,
    text: &str,
) -> Result<(usize, String), Box<dyn std::error::Error>> {
    let dir = directory(dir_name, &[(name, text)])?;
    let err = match History::read(dir.path()) {
        Ok(_) => return Err(format!("{name}: read without an error").into()),
        Err(err) => err,
    };
    let display = err.to_string();
    match err {
        Error::MigrationFile {
            path,
            line,
            message,
        } => {
            assert_eq!(path, dir.join(name));
            assert!(
                display.starts_with(&format!("{}:{line}: ", dir.join(name).display())),
                "{display}"
            );
            Ok((line, message))
        }
        other => Err(format!("{name}: expected a MigrationFile error, got {other:?}").into()),
    }
}

#[test]
fn malformed_headers_name_the_file_and_line() -> TestResult {
    let cases: [(&str, String, usize, &str); 14] = [
        (
            "unknown dialect",
            "-- stillroom migration\n-- revision: 0001_a\n-- parent: none\n-- dialect: mysql\n\n-- migrate:up\nSELECT 1;\n".into(),
            4,
            "unknown dialect `mysql`; stillroom knows `sqlite` and `postgres`",
        ),
        (
            "unknown key",
            "-- stillroom migration\n-- revision: 0001_a\n-- parent: none\n-- parnet: 0000\n\n-- migrate:up\nSELECT 1;\n".into(),
            4,
            "unknown header `parnet`; the header knows revision, parent, message, dialect, requires, foreign-keys, data-loss, down-data-loss and replaces",
        ),
        (
            "missing revision",
            "-- stillroom migration\n-- parent: none\n-- message: m\n-- migrate:up\nSELECT 1;\n".into(),
            1,
            "the header has no `-- revision:` line",
        ),
        (
            "missing parent",
            "-- stillroom migration\n-- revision: 0001_a\n-- message: m\n-- migrate:up\nSELECT 1;\n".into(),
            1,
            "the header has no `-- parent:` line (write `none` for the first revision)",
        ),
        (
            "SQL before up",
            "-- stillroom migration\n-- revision: 0001_a\n-- parent: none\n\nCREATE TABLE x (a);\n-- migrate:up\nSELECT 1;\n".into(),
            5,
            "SQL before `-- migrate:up`; put statements after that line",
        ),
        (
            "revision is not the file name",
            file("0001_b", "none", "SELECT 1;\n", None),
            2,
            "the header says revision `0001_b` but the file is named `0001_a.sql`; the two must agree",
        ),
        (
            "not a migration",
            "CREATE TABLE x (a);\n".into(),
            1,
            "the file does not start with `-- stillroom migration`",
        ),
        (
            "no up part",
            "-- stillroom migration\n-- revision: 0001_a\n-- parent: none\n-- message: m\n".into(),
            4,
            "no `-- migrate:up` line",
        ),
        (
            "foreign keys on",
            "-- stillroom migration\n-- revision: 0001_a\n-- parent: none\n-- foreign-keys: on\n-- migrate:up\nSELECT 1;\n".into(),
            4,
            "`foreign-keys: on`: the only value is `off`",
        ),
        (
            "two down parts",
            file("0001_a", "none", "SELECT 1;\n", Some("SELECT 2;\n\n-- migrate:down\nSELECT 3;\n")),
            12,
            "a second `-- migrate:down` line",
        ),
        (
            "an empty file",
            String::new(),
            1,
            "the file is empty",
        ),
        (
            "a byte order mark",
            format!("\u{feff}{}", file("0001_a", "none", "SELECT 1;\n", None)),
            1,
            "byte order mark (U+FEFF",
        ),
        (
            "a header below SQL",
            format!("SELECT 1;\n\n{}", file("0001_a", "none", "SELECT 1;\n", None)),
            3,
            "`-- stillroom migration` is on line 3: the header must be the file's first lines",
        ),
        (
            "blank lines only",
            "\n\n  \n".into(),
            1,
            "the file is empty",
        ),
    ];
    for (i, (what, text, line, message)) in cases.iter().enumerate() {
        let (got_line, got_message) =
            file_error(&format!("history-header-{i}"), "0001_a.sql", text)?;
        assert_eq!(got_line, *line, "{what}: {got_message}");
        assert!(
            got_message.contains(message),
            "{what}: expected {message:?} in {got_message:?}"
        );
    }
    Ok(())
}

#[test]
fn a_file_that_is_not_utf8_names_the_byte_and_line() -> TestResult {
    let dir = TempDir::created("history-not-utf8")?;
    let mut bytes = file("0001_a", "none", "SELECT 'caf", None).into_bytes();
    bytes.extend([0xE9, b'\'', b';', b'\n']); // Latin-1 é
    fs::write(dir.join("0001_a.sql"), &bytes)?;
    let err = History::read(dir.path()).map(|_| ()).unwrap_err();
    match &err {
        stillroom::Error::MigrationFile {
            path,
            line,
            message,
        } => {
            assert_eq!(path, &dir.join("0001_a.sql"));
            assert_eq!(*line, 7, "{err}");
            assert!(
                message.contains(&format!("not UTF-8 (at byte {})", bytes.len() - 4)),
                "{message}"
            );
        }
        other => return Err(format!("expected MigrationFile, got {other:?}").into()),
    }
    Ok(())
}

#[test]
fn a_revision_mismatch_points_at_the_revision_line() -> TestResult {
    let text = "-- stillroom migration\n-- message: m\n-- parent: none\n-- revision: 0001_b\n-- migrate:up\nSELECT 1;\n";
    let (line, message) = file_error("history-revision-line", "0001_a.sql", text)?;
    assert!(
        message.contains("the header says revision `0001_b`"),
        "{message}"
    );
    assert_eq!(line, 4);
    Ok(())
}

#[test]
fn a_second_up_marker_points_at_itself() -> TestResult {
    let text = file(
        "0001_a",
        "none",
        "SELECT 1;\n\n-- migrate:up\nSELECT 2;\n",
        None,
    );
    let (line, message) = file_error("history-second-up", "0001_a.sql", &text)?;
    assert!(
        message.contains("a second `-- migrate:up` line"),
        "{message}"
    );
    // Lines: 1-5 header, 6 `-- migrate:up`, 7 SELECT 1, 8 blank, 9 the second.
    assert_eq!(line, 9);
    Ok(())
}

const BAD_REQUIRES: &str = "-- stillroom migration\n-- revision: 0001_a\n-- parent: none\n-- message: m\n-- requires: SQLite three\n\n-- migrate:up\nSELECT 1;\n";

#[test]
fn a_requires_that_is_not_a_version_is_found_on_reading_at_its_line() -> TestResult {
    let (line, message) = file_error("history-requires-line", "0001_a.sql", BAD_REQUIRES)?;
    assert!(message.contains("is not a version"), "{message}");
    assert_eq!(line, 5);
    Ok(())
}

#[test]
fn requires_is_checked_against_the_sqlite_in_use() -> TestResult {
    let ok = "-- stillroom migration\n-- revision: 0001_a\n-- parent: none\n-- message: m\n-- requires: 3.8\n\n-- migrate:up\nSELECT 1;\n";
    let too_new = "-- stillroom migration\n-- revision: 0002_b\n-- parent: 0001_a\n-- message: m\n-- requires: SQLite 3.999.0\n\n-- migrate:up\nSELECT 1;\n";
    let dir = directory("history-requires-version", &[("0001_a.sql", ok)])?;
    let history = History::read(dir.path())?;
    assert_eq!(history.migrations[0].requires.as_deref(), Some("3.8"));
    replay(&history)?;
    fs::write(dir.join("0002_b.sql"), too_new)?;
    match replay(&History::read(dir.path())?).map(|_| ()) {
        Err(Error::SqliteTooOld {
            revision, required, ..
        }) => {
            assert_eq!(revision, "0002_b");
            assert_eq!(required, "3.999.0");
        }
        other => return Err(format!("expected SqliteTooOld, got {other:?}").into()),
    }
    Ok(())
}

// --- Numbers read from files (issue 16: integer overflows) ---------------

#[test]
fn a_version_typed_without_its_first_dot_is_refused_at_its_line() -> TestResult {
    // Was "attempt to multiply with overflow" (and, in release, a negative
    // version that always passed).
    let text = "-- stillroom migration\n-- revision: 0001_a\n-- parent: none\n-- message: m\n-- requires: SQLite 3037.0\n\n-- migrate:up\nSELECT 1;\n";
    let (line, message) = file_error("history-requires-3037", "0001_a.sql", text)?;
    assert_eq!(line, 5);
    for part in [
        "`requires: SQLite 3037.0` is not a version of SQLite",
        "did you mean `3.37.0`?",
        "SQLite's versions are 3.x.y with x and y below 1000, like `3.37.0`",
        "stillroom writes 3.8.0 up to 3.37.0",
        &format!("this program runs SQLite {}", rusqlite::version()),
    ] {
        assert!(message.contains(part), "{part:?} not in {message:?}");
    }
    Ok(())
}

#[test]
fn the_fuzzers_requires_input_is_an_error_not_a_panic() {
    let err = Migration::parse(
        "-- stillroom migration\n-- requires:3037",
        Path::new("0001.sql"),
    )
    .map(|_| ())
    .unwrap_err()
    .to_string();
    assert!(
        err.starts_with("0001.sql:2: `requires: 3037` is not a version of SQLite"),
        "{err}"
    );
}

#[test]
fn versions_out_of_range_are_refused() {
    for (version, why) in [
        ("4294967296.0.0", "its first part is `4294967296`, not 3"),
        ("3.4294967296", "`4294967296` is above 999"),
        ("3.37.99999999999999999999", "is above 999"),
        ("2.8.17", "its first part is `2`, not 3"),
        ("3.37.0.1", "more than three parts"),
    ] {
        let text = format!(
            "-- stillroom migration\n-- revision: 0001\n-- parent: none\n-- requires: {version}\n-- migrate:up\n"
        );
        let err = Migration::parse(&text, Path::new("0001.sql"))
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("0001.sql:4: "), "{err}");
        assert!(err.contains(why), "{version}: {err}");
    }
}

/// A migration file numbered `revision`, first in its history.
fn numbered(revision: &str) -> Result<Migration, stillroom::Error> {
    Migration::parse(
        &format!(
            "-- stillroom migration\n-- revision: {revision}\n-- parent: none\n-- migrate:up\n"
        ),
        &PathBuf::from(format!("migrations/{revision}.sql")),
    )
}

#[test]
fn the_revision_after_4294967295_is_4294967296() -> TestResult {
    // Was "attempt to add with overflow" (and, in release, `0000_next`,
    // which sorts before every other file).
    let history = History::order(vec![numbered("4294967295")?], Path::new("migrations"))?;
    assert_eq!(history.next_revision("next")?, "4294967296_next");
    // The fuzzer's input: the same file with an empty `-- parent:`, which is
    // now an error at its line rather than a parent no file has.
    let err = Migration::parse(
        "-- stillroom migration\n-- revision:4294967295\n-- parent:\n-- migrate:up",
        Path::new("4294967295.sql"),
    )
    .map(|_| ())
    .unwrap_err()
    .to_string();
    assert_eq!(
        err,
        "4294967295.sql:3: `-- parent:` is empty; write the revision this one applies on top of, or `none` for the first"
    );
    Ok(())
}

#[test]
fn an_exhausted_numbering_is_an_error_that_says_what_to_do() -> TestResult {
    let too_long = "99999999999999999999999999";
    for (revision, number) in [
        ("18446744073709551615_last", "18446744073709551615"),
        (&format!("{too_long}_typo")[..], too_long),
    ] {
        let history = History {
            migrations: vec![numbered("0001_a")?, numbered(revision)?],
        };
        match history.next_revision("next") {
            Err(err @ Error::NumberingExhausted { .. }) => {
                let message = err.to_string();
                for part in [
                    "the revision numbering is exhausted",
                    &format!(
                        "revision `{revision}` (migrations/{revision}.sql) is numbered {number}"
                    ),
                    "up to 18446744073709551615 only",
                    "renumber that revision",
                    "write the next migration file by hand",
                ] {
                    assert!(message.contains(part), "{part:?} not in {message:?}");
                }
            }
            other => {
                return Err(
                    format!("{revision}: expected NumberingExhausted, got {other:?}").into(),
                );
            }
        }
    }
    Ok(())
}

#[test]
fn the_next_number_is_as_wide_as_the_widest() -> TestResult {
    let history = History {
        migrations: vec![numbered("000001_a")?, numbered("000009_b")?],
    };
    assert_eq!(history.next_revision("c")?, "000010_c");
    // Leading zeros and numbers that are not the whole first part.
    let history = History {
        migrations: vec![numbered("0041")?, numbered("7a_b")?, numbered("+50_x")?],
    };
    assert_eq!(history.next_revision("")?, "0042");
    Ok(())
}

#[test]
fn a_revision_named_none_is_refused_at_its_line() {
    // Found by the history fuzz target: a child's `-- parent: none` made it
    // a second first revision.
    let err = Migration::parse(
        "-- stillroom migration\n-- revision: none\n-- parent: none\n-- migrate:up\n",
        Path::new("none.sql"),
    )
    .map(|_| ())
    .unwrap_err()
    .to_string();
    assert!(
        err.starts_with("none.sql:2: `-- revision: none`: `none` is what `-- parent:` says of the first revision"),
        "{err}"
    );
}

#[test]
fn an_empty_revision_is_refused_at_its_line() {
    let err = Migration::parse(
        "-- stillroom migration\n-- parent: none\n-- revision:\n-- migrate:up\n",
        Path::new(""),
    )
    .map(|_| ())
    .unwrap_err()
    .to_string();
    assert!(
        err.ends_with(
            ":3: `-- revision:` is empty; write the revision id: the file name without `.sql`"
        ),
        "{err}"
    );
}

// --- Histories that are not one line --------------------------------------

/// The `InvalidHistory` message of reading `dir`, having checked its
/// directory.
fn invalid_history(dir: &Path) -> Result<String, Box<dyn std::error::Error>> {
    match History::read(dir) {
        Err(Error::InvalidHistory {
            dir: reported,
            message,
        }) => {
            assert_eq!(reported, dir);
            Ok(message)
        }
        other => Err(format!("expected InvalidHistory, got {other:?}").into()),
    }
}

fn name(dir: &TempDir, file: &str) -> String {
    dir.join(file).display().to_string()
}

#[test]
fn two_files_claiming_one_revision_are_named() -> TestResult {
    // A file's revision is its name, so within one directory two files
    // cannot claim one revision; `History::order` also takes migrations
    // gathered from elsewhere.
    let dir = TempDir::created("history-duplicate")?;
    let text = file("0001_a", "none", "SELECT 1;\n", None);
    let (a, b) = (dir.join("x/0001_a.sql"), dir.join("y/0001_a.sql"));
    let migrations = vec![Migration::parse(&text, &a)?, Migration::parse(&text, &b)?];
    match History::order(migrations, dir.path()) {
        Err(Error::InvalidHistory { message, .. }) => {
            assert!(
                message.contains("revision `0001_a` is claimed by both"),
                "{message}"
            );
            assert!(message.contains(&a.display().to_string()), "{message}");
            assert!(message.contains(&b.display().to_string()), "{message}");
            assert!(message.contains("rename one of them"), "{message}");
        }
        other => return Err(format!("expected InvalidHistory, got {other:?}").into()),
    }
    Ok(())
}

#[test]
fn a_missing_parent_is_named() -> TestResult {
    let dir = directory(
        "history-missing-parent",
        &[
            ("0002_b.sql", &file("0002_b", "0001_a", "SELECT 2;\n", None)),
            ("0003_c.sql", &file("0003_c", "0002_b", "SELECT 3;\n", None)),
        ],
    )?;
    let message = invalid_history(dir.path())?;
    assert!(
        message.contains(&format!(
            "{} names parent revision `0001_a`, which no file in the directory has",
            name(&dir, "0002_b.sql")
        )),
        "{message}"
    );
    assert!(
        message.contains("restore that file or correct `-- parent:`"),
        "{message}"
    );
    Ok(())
}

#[test]
fn two_heads_are_named_with_the_fix() -> TestResult {
    // As after merging two branches that each added a migration.
    let dir = directory(
        "history-two-heads",
        &[
            ("0001_a.sql", &file("0001_a", "none", "SELECT 1;\n", None)),
            ("0002_b.sql", &file("0002_b", "0001_a", "SELECT 2;\n", None)),
            ("0002_c.sql", &file("0002_c", "0001_a", "SELECT 3;\n", None)),
        ],
    )?;
    let message = invalid_history(dir.path())?;
    for expected in [
        "two heads".to_owned(),
        name(&dir, "0002_b.sql"),
        name(&dir, "0002_c.sql"),
        "on top of `0001_a`".to_owned(),
        "`db merge` renumbers and re-parents".to_owned(),
    ] {
        assert!(message.contains(&expected), "{expected:?} not in {message}");
    }
    // generate and check refuse the same way, writing nothing.
    let schema = Schema::new([table("hi_t", &["id"], vec![column("id", SqlType::Integer)])])?;
    let before = crate::common::listing(dir.path())?;
    assert!(matches!(
        generate(dir.path(), &schema, "more", GenerateOptions::default()),
        Err(Error::InvalidHistory { .. })
    ));
    assert!(matches!(
        check(dir.path(), &schema),
        Err(Error::InvalidHistory { .. })
    ));
    assert_eq!(crate::common::listing(dir.path())?, before);
    Ok(())
}

#[test]
fn two_roots_are_named() -> TestResult {
    let dir = directory(
        "history-two-roots",
        &[
            ("0001_a.sql", &file("0001_a", "none", "SELECT 1;\n", None)),
            ("0001_b.sql", &file("0001_b", "none", "SELECT 2;\n", None)),
        ],
    )?;
    let message = invalid_history(dir.path())?;
    for expected in [
        name(&dir, "0001_a.sql"),
        name(&dir, "0001_b.sql"),
        "as the first revision".to_owned(),
        "`db merge`".to_owned(),
    ] {
        assert!(message.contains(&expected), "{expected:?} not in {message}");
    }
    Ok(())
}

fn cycles() -> [Vec<(&'static str, String)>; 3] {
    [
        // A root, then two revisions that name each other.
        vec![
            ("0001_a.sql", file("0001_a", "none", "SELECT 1;\n", None)),
            ("0002_b.sql", file("0002_b", "0003_c", "SELECT 2;\n", None)),
            ("0003_c.sql", file("0003_c", "0002_b", "SELECT 3;\n", None)),
        ],
        // No root at all.
        vec![
            ("0001_a.sql", file("0001_a", "0002_b", "SELECT 1;\n", None)),
            ("0002_b.sql", file("0002_b", "0001_a", "SELECT 2;\n", None)),
        ],
        // Its own parent.
        vec![("0001_a.sql", file("0001_a", "0001_a", "SELECT 1;\n", None))],
    ]
}

#[test]
fn a_cycle_is_an_invalid_history() -> TestResult {
    for (i, files) in cycles().iter().enumerate() {
        let files: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
        let dir = directory(&format!("history-cycle-{i}"), &files)?;
        let message = invalid_history(dir.path())?;
        assert!(message.contains("form a cycle"), "{message}");
        assert!(
            message.contains("each `-- parent:` must name an earlier revision"),
            "{message}"
        );
    }
    Ok(())
}

#[test]
fn a_cycle_names_its_files() -> TestResult {
    for (i, files) in cycles().iter().enumerate() {
        let texts: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
        let dir = directory(&format!("history-cycle-names-{i}"), &texts)?;
        let message = invalid_history(dir.path())?;
        // The files in the cycle (not the root that precedes it).
        let in_cycle: &[&str] = match i {
            0 => &["0002_b.sql", "0003_c.sql"],
            1 => &["0001_a.sql", "0002_b.sql"],
            _ => &["0001_a.sql"],
        };
        for f in in_cycle {
            assert!(message.contains(&name(&dir, f)), "{f} not in {message}");
        }
    }
    Ok(())
}

#[test]
fn the_order_follows_parents_not_file_names() -> TestResult {
    let dir = directory(
        "history-order",
        &[
            ("0001_b.sql", &file("0001_b", "0002_a", "SELECT 2;\n", None)),
            ("0002_a.sql", &file("0002_a", "none", "SELECT 1;\n", None)),
        ],
    )?;
    let history = History::read(dir.path())?;
    let order: Vec<&str> = history
        .migrations
        .iter()
        .map(|m| m.revision.as_str())
        .collect();
    assert_eq!(order, ["0002_a", "0001_b"]);
    assert_eq!(history.head().map(|m| m.revision.as_str()), Some("0001_b"));
    assert_eq!(history.next_revision("next")?, "0003_next");
    Ok(())
}

// --- What is read, and how ------------------------------------------------

#[test]
fn files_that_are_not_sql_are_ignored() -> TestResult {
    let good = file(
        "0001_a",
        "none",
        "CREATE TABLE hi_kept (id INTEGER PRIMARY KEY);\n",
        None,
    );
    let junk = "not a migration at all";
    let dir = directory(
        "history-ignored",
        &[
            ("0001_a.sql", &good),
            ("README.md", "# Migrations\n"),
            ("notes.txt", junk),
            ("0002_b.sql.bak", junk),
            ("0002_b.sql~", junk),
            (".0002_b.sql.swp", junk),
            ("0002_b", junk),
        ],
    )?;
    fs::create_dir(dir.join("archive"))?;
    fs::write(dir.join("archive").join("0002_b.sql"), junk)?;
    let history = History::read(dir.path())?;
    assert_eq!(history.migrations.len(), 1);
    assert_eq!(history.migrations[0].path, dir.join("0001_a.sql"));
    assert_eq!(history.migrations[0].checksum, stillroom::checksum(&good));
    Ok(())
}

#[test]
fn a_missing_directory_is_an_empty_history() -> TestResult {
    let dir = TempDir::new("history-missing");
    let missing: PathBuf = dir.join("no").join("such").join("dir");
    let history = History::read(&missing)?;
    assert!(history.migrations.is_empty());
    assert!(history.head().is_none());
    assert_eq!(history.next_revision("initial")?, "0001_initial");
    let replayed = replay(&history)?;
    assert!(replayed.schema.schema.is_empty());
    check(&missing, &Schema::default())?;
    assert!(!missing.exists());
    Ok(())
}

#[test]
fn crlf_line_endings_and_trailing_whitespace_still_parse() -> TestResult {
    let lf = "-- stillroom migration  \n-- revision: 0001_a \t\n-- parent: none   \n-- message: windows  \n-- requires: SQLite 3.37.0 \n-- foreign-keys: off \n-- data-loss: nothing really  \n   \n-- migrate:up   \nCREATE TABLE hi_crlf (\n    id INTEGER NOT NULL PRIMARY KEY,\n    note TEXT\n) STRICT;   \n\n-- migrate:down \t\nDROP TABLE hi_crlf;  \n";
    let crlf = lf.replace('\n', "\r\n");
    for (i, text) in [lf.to_owned(), crlf].iter().enumerate() {
        let dir = directory(&format!("history-crlf-{i}"), &[("0001_a.sql", text)])?;
        let history = History::read(dir.path())?;
        let m = &history.migrations[0];
        assert_eq!(m.revision, "0001_a");
        assert_eq!(m.parent, None);
        assert_eq!(m.message, "windows");
        assert_eq!(m.requires.as_deref(), Some("3.37.0"));
        assert!(m.foreign_keys_off);
        assert_eq!(m.data_loss, ["nothing really"]);
        assert!(m.up.starts_with("CREATE TABLE hi_crlf ("), "{:?}", m.up);
        assert!(m.up.trim_end().ends_with("STRICT;"), "{:?}", m.up);
        assert_eq!(
            m.down.as_deref().map(str::trim_end),
            Some("DROP TABLE hi_crlf;")
        );
        assert_eq!(m.lines, (10, 16));
        let replayed = replay(&history)?;
        assert!(replayed.schema.schema.table("hi_crlf").is_some());
        let schema = Schema::new([{
            let mut t = table("hi_crlf", &["id"], vec![column("id", SqlType::Integer)]);
            t.columns
                .push(crate::common::optional("note", SqlType::Text));
            t
        }])?;
        check(dir.path(), &schema)?;
    }
    Ok(())
}

/// Lines: 1-5 header, 6 `-- migrate:up`, 7 comment, 8-10 a good statement,
/// 11 blank, 12-13 the bad one.
const BROKEN: &str = "-- stillroom migration
-- revision: 0002_b
-- parent: 0001_a
-- message: broken by hand

-- migrate:up
-- a good statement, then a bad one
CREATE TABLE hi_ok (
    id INTEGER PRIMARY KEY
);

INSERT INTO hi_missing (id)
    VALUES (1);

-- migrate:down
DROP TABLE hi_ok;
";

#[test]
fn a_replay_failure_names_the_revision_file_line_and_statement() -> TestResult {
    for (i, newline) in ["\n", "\r\n"].iter().enumerate() {
        let dir = directory(
            &format!("history-broken-{i}"),
            &[
                (
                    "0001_a.sql",
                    &file(
                        "0001_a",
                        "none",
                        "CREATE TABLE hi_first (id INTEGER PRIMARY KEY);\n",
                        None,
                    ),
                ),
                ("0002_b.sql", &BROKEN.replace('\n', newline)),
            ],
        )?;
        let history = History::read(dir.path())?;
        for err in [
            replay(&history).map(|_| ()).err(),
            check(dir.path(), &Schema::default()).err(),
        ] {
            let Some(Error::Statement(statement)) = err else {
                return Err(format!("expected a Statement error, got {err:?}").into());
            };
            assert_eq!(statement.revision, "0002_b");
            assert_eq!(statement.path, dir.join("0002_b.sql"));
            assert_eq!(statement.line, 12);
            assert_eq!(
                statement.sql.replace("\r\n", "\n"),
                "INSERT INTO hi_missing (id)\n    VALUES (1)"
            );
            assert!(
                statement
                    .source
                    .to_string()
                    .contains("no such table: hi_missing"),
                "{}",
                statement.source
            );
            let display = Error::Statement(statement).to_string();
            assert!(
                display.starts_with(&format!(
                    "revision `0002_b` failed at {}:12: ",
                    name(&dir, "0002_b.sql")
                )),
                "{display}"
            );
        }
    }
    Ok(())
}

#[test]
fn a_failure_in_the_first_statement_points_at_its_line() -> TestResult {
    let text = file("0001_a", "none", "CREATE TABLE hi_x (;\n", None);
    let dir = directory("history-broken-first", &[("0001_a.sql", &text)])?;
    match replay(&History::read(dir.path())?).map(|_| ()) {
        Err(Error::Statement(statement)) => {
            // Lines: 1-5 header, 6 `-- migrate:up`, 7 the statement.
            assert_eq!(statement.line, 7);
            assert_eq!(statement.sql, "CREATE TABLE hi_x (");
        }
        other => return Err(format!("expected a Statement error, got {other:?}").into()),
    }
    Ok(())
}

#[test]
fn a_file_without_a_down_part_parses() -> TestResult {
    let text = file(
        "0001_a",
        "none",
        "CREATE TABLE hi_up_only (id INTEGER PRIMARY KEY);\n",
        None,
    );
    let path = Path::new("migrations/0001_a.sql");
    let m = Migration::parse(&text, path)?;
    assert_eq!(m.down, None);
    assert_eq!(m.lines, (7, 0));
    assert_eq!(m.up, "CREATE TABLE hi_up_only (id INTEGER PRIMARY KEY);\n");
    assert_eq!(m.to_text(), text);
    assert!(!m.to_text().contains("-- migrate:down"));

    let dir = directory("history-no-down", &[("0001_a.sql", &text)])?;
    let replayed = replay(&History::read(dir.path())?)?;
    assert!(replayed.schema.schema.table("hi_up_only").is_some());
    Ok(())
}

#[test]
fn an_empty_down_part_is_empty_not_missing() -> TestResult {
    let text = file("0001_a", "none", "SELECT 1;\n", Some(""));
    let m = Migration::parse(&text, Path::new("0001_a.sql"))?;
    assert_eq!(m.down.as_deref(), Some(""));
    Ok(())
}

#[test]
fn a_history_is_for_one_database() -> TestResult {
    let dir = TempDir::new("history-dialects");
    std::fs::create_dir_all(dir.path())?;
    let file = |revision: &str, parent: &str, dialect: &str| {
        format!(
            "-- stillroom migration\n-- revision: {revision}\n-- parent: {parent}\n-- message: m\n{dialect}\n-- migrate:up\nSELECT 1;\n"
        )
    };
    std::fs::write(dir.join("0001_a.sql"), file("0001_a", "none", ""))?;
    std::fs::write(
        dir.join("0002_b.sql"),
        file("0002_b", "0001_a", "-- dialect: postgres\n"),
    )?;
    let err = History::read(dir.path()).unwrap_err().to_string();
    assert!(
        err.contains("0001_a.sql is written for SQLite and")
            && err.contains("0002_b.sql for PostgreSQL: a history is for one database"),
        "{err}"
    );
    Ok(())
}
