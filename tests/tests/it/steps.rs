//! Rust steps: data migrations in Rust, run where a revision's file marks
//! them, in the same transaction as its SQL. Data moves like real
//! applications': a column's values into a new table with generated keys,
//! a value recomputed in Rust; and the failures: a step that fails half-way
//! or panics, a step this program lacks, a process killed during a step.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rusqlite::{Connection, OptionalExtension as _};
use stillroom::{
    Action, Direction, Error, GenerateOptions, Generated, History, Migrator, Schema, SqlType, Step,
    StepResult, Steps, Table, Target, Verification,
};

use crate::common::{
    TempDir, TestResult, column, file_state, fk, index, optional, rows, schema, table,
};

// ---------------------------------------------------------------------------
// The application: jobs whose comma-separated `tags` column becomes a
// `tag` table (keys generated) and a `job_tag` link, then slugs computed
// in Rust.
// ---------------------------------------------------------------------------

fn job(tags: bool, slug: bool) -> Table {
    let mut columns = vec![
        column("id", SqlType::Integer),
        column("title", SqlType::Text),
    ];
    if tags {
        columns.push(column("tags", SqlType::Text));
    }
    if slug {
        columns.push(optional("slug", SqlType::Text));
    }
    table("job", &["id"], columns)
}

fn tag_tables() -> [Table; 2] {
    let mut tag = table(
        "tag",
        &["id"],
        vec![
            column("id", SqlType::Integer),
            column("label", SqlType::Text),
        ],
    );
    tag.primary_key.autoincrement = true;
    tag.indexes.push(index("ux_tag_label", &["label"], true));
    let mut link = table(
        "job_tag",
        &["job_id", "tag_id"],
        vec![
            column("job_id", SqlType::Integer),
            column("tag_id", SqlType::Integer),
        ],
    );
    link.foreign_keys
        .push(fk(&["job_id"], "job", &["id"], Action::Cascade));
    link.foreign_keys
        .push(fk(&["tag_id"], "tag", &["id"], Action::Cascade));
    [tag, link]
}

/// `(tags column, tag tables, slug column)`.
fn models(
    tags: bool,
    tag_tables_too: bool,
    slug: bool,
) -> Result<Schema, Box<dyn std::error::Error>> {
    let mut tables = vec![job(tags, slug)];
    if tag_tables_too {
        tables.extend(tag_tables());
    }
    schema(tables)
}

// <!-- guide: move_tags -->
/// Each job's comma-separated `tags` into `tag` rows (one per label, keys
/// generated) and `job_tag` links.
#[stillroom::step]
fn move_tags(step: &mut Step<'_>) -> StepResult {
    let conn = step.conn();
    let mut find = conn.prepare("SELECT id FROM tag WHERE label = ?1")?;
    let mut tags = step.insert("tag", &["label"])?;
    let mut links = step.insert("job_tag", &["job_id", "tag_id"])?;
    step.for_each("SELECT id, tags FROM job", [], |job| {
        let id: i64 = job.get("id")?;
        let labels: String = job.get("tags")?;
        for label in labels.split(',').map(str::trim).filter(|l| !l.is_empty()) {
            let tag: i64 = match find.query_row([label], |r| r.get(0)).optional()? {
                Some(tag) => tag,
                None => {
                    tags.row([label])?;
                    conn.last_insert_rowid()
                }
            };
            links.row((id, tag))?;
        }
        Ok(())
    })
}
// <!-- /guide: move_tags -->

/// `job.slug` from its title, computed in Rust.
#[stillroom::step]
fn slugify_titles(step: &mut Step<'_>) -> StepResult {
    let mut set = step.update("job", &["slug"], &["id"])?;
    step.for_each("SELECT id, title FROM job", [], |job| {
        let title: String = job.get("title")?;
        set.row((slug(&title), job.get::<i64>("id")?))?;
        Ok(())
    })
}

fn slug(title: &str) -> String {
    let words: Vec<String> = title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.join("-")
}

/// A history of four revisions: jobs with tags; the tag tables and the
/// `move_tags` step; `job.tags` dropped; `job.slug` and `slugify_titles`.
fn history(dir: &Path) -> Result<History, Box<dyn std::error::Error>> {
    stillroom::generate(
        dir,
        &models(true, false, false)?,
        "jobs",
        GenerateOptions::default(),
    )?;
    let with_step = |name: &str| GenerateOptions {
        rust_step: Some(name.to_owned()),
        ..Default::default()
    };
    stillroom::generate(
        dir,
        &models(true, true, false)?,
        "tag tables",
        with_step("move_tags"),
    )?;
    stillroom::generate(
        dir,
        &models(false, true, false)?,
        "drop job tags",
        GenerateOptions {
            allow_loss_of: vec!["job.tags".into()],
            ..Default::default()
        },
    )?;
    stillroom::generate(
        dir,
        &models(false, true, true)?,
        "job slugs",
        with_step("slugify_titles"),
    )?;
    Ok(History::read(dir)?)
}

/// A database at the first revision with three jobs.
fn jobs_database(path: &Path, history: &History) -> TestResult {
    let conn = Connection::open(path)?;
    Migrator::new(history)
        .verification(Verification::Off)
        .upgrade(&conn, &Target::Relative(1))?;
    conn.execute_batch(
        "INSERT INTO job (id, title, tags) VALUES
            (1, 'Frieren: Beyond Journey''s End', 'anime, fantasy'),
            (2, 'Dungeon Meshi', 'anime,food, '),
            (3, 'Untagged', '');",
    )?;
    Ok(())
}

#[test]
fn a_columns_values_move_into_a_new_table_and_a_value_is_recomputed_in_rust() -> TestResult {
    let dir = TempDir::new("steps-move");
    let history = history(&dir.join("migrations"))?;
    let text = fs::read_to_string(&history.migrations[1].path)?;
    assert!(
        text.contains(") STRICT;\n\n-- rust: move_tags\n\n-- migrate:down\n"),
        "{text}"
    );
    assert_eq!(
        history.migrations[1].rust_steps(Direction::Up)[0].name,
        "move_tags"
    );

    let db = dir.join("app.db");
    jobs_database(&db, &history)?;
    let conn = Connection::open(&db)?;
    let head = models(false, true, true)?;
    // One start: the tag tables, the step, the drop, the slugs, verified.
    let report = Migrator::new(&history).schema(&head).migrate(&conn)?;
    assert_eq!(report.ran.len(), 3);
    assert_eq!(
        rows(&conn, "SELECT id, label FROM tag ORDER BY id")?,
        [
            ["Integer(1)", "Text(\"anime\")"],
            ["Integer(2)", "Text(\"fantasy\")"],
            ["Integer(3)", "Text(\"food\")"]
        ]
    );
    assert_eq!(
        rows(
            &conn,
            "SELECT job_id, tag_id FROM job_tag ORDER BY job_id, tag_id"
        )?,
        [
            ["Integer(1)", "Integer(1)"],
            ["Integer(1)", "Integer(2)"],
            ["Integer(2)", "Integer(1)"],
            ["Integer(2)", "Integer(3)"]
        ]
    );
    assert_eq!(
        rows(&conn, "SELECT slug FROM job ORDER BY id")?,
        [
            ["Text(\"frieren-beyond-journey-s-end\")"],
            ["Text(\"dungeon-meshi\")"],
            ["Text(\"untagged\")"]
        ]
    );
    // The next start has nothing to do.
    assert!(
        Migrator::new(&history)
            .schema(&head)
            .migrate(&conn)?
            .ran
            .is_empty()
    );
    // The replay (what `check` and `generate` run) ran the steps too, on
    // its empty tables, and the history produces the models.
    stillroom::check(dir.join("migrations"), &head)?;
    Ok(())
}

#[test]
fn a_step_that_fails_half_way_leaves_the_database_file_as_it_was() -> TestResult {
    let dir = TempDir::new("steps-fail");
    let history = history(&dir.join("migrations"))?;
    let db = dir.join("app.db");
    jobs_database(&db, &history)?;
    let before = file_state(&db)?;
    // This build's `move_tags` links the first job, then fails on the
    // second.
    let steps = Steps::new().add("move_tags", |step: &mut Step<'_>| -> StepResult {
        step.conn()
            .execute("INSERT INTO tag (label) VALUES ('anime')", [])?;
        step.insert("job_tag", &["job_id", "tag_id"])?.row((1, 1))?;
        Err("the second job's tags do not parse".into())
    });
    let conn = Connection::open(&db)?;
    let err = Migrator::new(&history)
        .schema(&models(false, true, true)?)
        .steps(&steps)
        .migrate(&conn)
        .unwrap_err();
    let Error::Step(failed) = &err else {
        return Err(format!("expected a step error, got {err}").into());
    };
    assert_eq!(
        (failed.revision.as_str(), failed.step.as_str()),
        ("0002_tag_tables", "move_tags")
    );
    let message = err.to_string();
    assert!(
        message.contains("the Rust step `move_tags` of revision `0002_tag_tables`")
            && message.contains("0002_tag_tables.sql:")
            && message.contains("failed: the second job's tags do not parse")
            && message.contains("the database is as it was"),
        "{message}"
    );
    drop(conn);
    assert!(file_state(&db)? == before, "the database file changed");
    Ok(())
}

#[test]
fn a_step_that_panics_or_ends_the_transaction_is_an_error_and_changes_nothing() -> TestResult {
    let dir = TempDir::new("steps-panic");
    let history = history(&dir.join("migrations"))?;
    let db = dir.join("app.db");
    jobs_database(&db, &history)?;
    let before = file_state(&db)?;
    let head = models(false, true, true)?;
    let panics = Steps::new().add("move_tags", |_: &mut Step<'_>| -> StepResult {
        let labels: Vec<&str> = Vec::new();
        let _ = labels[3];
        Ok(())
    });
    let conn = Connection::open(&db)?;
    let err = Migrator::new(&history)
        .schema(&head)
        .steps(&panics)
        .migrate(&conn)
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("failed: it panicked: index out of bounds"),
        "{err}"
    );
    let ends = Steps::new().add("move_tags", |step: &mut Step<'_>| -> StepResult {
        step.conn().execute_batch("ROLLBACK")?;
        Ok(())
    });
    let err = Migrator::new(&history)
        .schema(&head)
        .steps(&ends)
        .migrate(&conn)
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("it ended the migration transaction"),
        "{err}"
    );
    // The connection is usable, and the database is at the first revision.
    assert_eq!(
        Migrator::new(&history).status(&conn)?.current.as_deref(),
        Some("0001_jobs")
    );
    drop(conn);
    assert!(file_state(&db)? == before, "the database file changed");
    Ok(())
}

#[test]
fn a_step_the_program_lacks_is_refused_before_anything_runs() -> TestResult {
    let dir = TempDir::new("steps-missing");
    let migrations = dir.join("migrations");
    history(&migrations)?;
    stillroom::step_revision(&migrations, "recount", "recount_tags_nowhere_registered")?;
    let history = History::read(&migrations)?;
    let db = dir.join("app.db");
    jobs_database(&db, &history)?;
    let before = file_state(&db)?;
    let err = Migrator::new(&history)
        .verification(Verification::Off)
        .migrate(&Connection::open(&db)?)
        .unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, Error::MissingSteps { .. }), "{message}");
    assert!(
        message.contains("so nothing was run")
            && message.contains("`recount_tags_nowhere_registered` (")
            && message.contains("0005_recount.sql:8, revision `0005_recount`")
            && message.contains("fn recount_tags_nowhere_registered(step: &mut stillroom::Step<'_>) -> stillroom::StepResult")
            && message.contains("move_tags")
            && message.contains("slugify_titles"),
        "{message}"
    );
    assert!(file_state(&db)? == before, "the database file changed");
    Ok(())
}

#[test]
fn a_step_renamed_in_an_applied_file_is_caught_by_the_checksum() -> TestResult {
    let dir = TempDir::new("steps-renamed");
    let migrations = dir.join("migrations");
    let history = history(&migrations)?;
    let conn = Connection::open_in_memory()?;
    Migrator::new(&history)
        .schema(&models(false, true, true)?)
        .migrate(&conn)?;
    let path = &history.migrations[1].path;
    fs::write(
        path,
        fs::read_to_string(path)?.replace("-- rust: move_tags", "-- rust: move_tags_v2"),
    )?;
    let err = Migrator::new(&History::read(&migrations)?)
        .schema(&models(false, true, true)?)
        .migrate(&conn)
        .unwrap_err();
    assert!(matches!(err, Error::ChecksumMismatch { .. }), "{err}");
    Ok(())
}

#[test]
fn a_down_part_runs_its_own_step() -> TestResult {
    let dir = TempDir::new("steps-down");
    let migrations = dir.join("migrations");
    let first = schema([table(
        "account",
        &["id"],
        vec![
            column("id", SqlType::Integer),
            column("cents", SqlType::Integer),
        ],
    )])?;
    stillroom::generate(&migrations, &first, "accounts", GenerateOptions::default())?;
    let path = stillroom::step_revision(&migrations, "cents to mills", "to_mills")?;
    let text = fs::read_to_string(&path)?.replace(
        "-- Write what undoes it here (a `-- rust: NAME` line runs a step here too).",
        "-- rust: to_cents",
    );
    fs::write(&path, text)?;
    let history = History::read(&migrations)?;
    assert_eq!(
        history.migrations[1].rust_steps(Direction::Down)[0].name,
        "to_cents"
    );
    let scale = |factor: f64| {
        move |step: &mut Step<'_>| -> StepResult {
            let mut set = step.update("account", &["cents"], &["id"])?;
            step.for_each("SELECT id, cents FROM account", [], |row| {
                let cents: i64 = row.get("cents")?;
                set.row(((cents as f64 * factor) as i64, row.get::<i64>("id")?))?;
                Ok(())
            })
        }
    };
    let steps = Steps::new()
        .add("to_mills", scale(10.0))
        .add("to_cents", scale(0.1));
    let conn = Connection::open_in_memory()?;
    let migrator = Migrator::new(&history).schema(&first).steps(&steps);
    migrator.upgrade(&conn, &Target::Relative(1))?;
    conn.execute("INSERT INTO account VALUES (1, 250)", [])?;
    migrator.migrate(&conn)?;
    assert_eq!(
        rows(&conn, "SELECT cents FROM account")?,
        [["Integer(2500)"]]
    );
    migrator.downgrade(&conn, &Target::Relative(-1))?;
    assert_eq!(
        rows(&conn, "SELECT cents FROM account")?,
        [["Integer(250)"]]
    );
    Ok(())
}

#[test]
fn offline_sql_refuses_a_range_with_a_step_and_serves_the_ranges_around_it() -> TestResult {
    let dir = TempDir::new("steps-offline");
    let history = history(&dir.join("migrations"))?;
    let migrator = Migrator::new(&history).verification(Verification::Off);
    let err = migrator.sql(None, &Target::Head).unwrap_err();
    assert!(matches!(err, Error::OfflineStep { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("revision `0002_tag_tables` runs the Rust step `move_tags`, which a SQL script cannot contain"),
        "{err}"
    );
    assert!(
        migrator
            .sql(None, &Target::Relative(1))?
            .contains("CREATE TABLE \"job\"")
    );
    let err = migrator.sql(Some("0002"), &Target::Head).unwrap_err();
    assert!(err.to_string().contains("`slugify_titles`"), "{err}");
    assert!(
        migrator
            .sql(Some("0002"), &Target::Revision("0003".into()))?
            .contains("DROP COLUMN \"tags\"")
    );
    Ok(())
}

/// A step that creates an index the models declare: the replay must run it
/// for `check` and `generate` to see the index.
#[stillroom::step]
fn index_note_bodies(step: &mut Step<'_>) -> StepResult {
    step.conn()
        .execute_batch("CREATE INDEX ix_note_body ON note (body)")?;
    Ok(())
}

/// A step that needs a row to be there, as some do: on the replay's empty
/// tables it fails.
#[stillroom::step]
fn needs_a_row(step: &mut Step<'_>) -> StepResult {
    let body: String = step
        .conn()
        .query_row("SELECT body FROM note LIMIT 1", [], |r| r.get(0))?;
    step.conn().execute("UPDATE note SET body = ?1", [body])?;
    Ok(())
}

#[test]
fn the_replay_runs_registered_steps_and_skips_those_it_lacks() -> TestResult {
    let dir = TempDir::new("steps-replay");
    let migrations = dir.join("migrations");
    let note = || {
        table(
            "note",
            &["id"],
            vec![
                column("id", SqlType::Integer),
                column("body", SqlType::Text),
            ],
        )
    };
    stillroom::generate(
        &migrations,
        &schema([note()])?,
        "notes",
        GenerateOptions::default(),
    )?;
    stillroom::step_revision(&migrations, "index bodies", "index_note_bodies")?;
    let mut indexed = note();
    indexed
        .indexes
        .push(index("ix_note_body", &["body"], false));
    let indexed = schema([indexed])?;
    stillroom::check(&migrations, &indexed)?;
    assert_eq!(
        stillroom::generate(&migrations, &indexed, "again", GenerateOptions::default())?,
        Generated::NothingToDo
    );
    // A step no one registers, and one that fails without rows: the replay
    // skips both (assuming they change no schema), so generating goes on.
    stillroom::step_revision(&migrations, "later", "a_step_written_later")?;
    stillroom::step_revision(&migrations, "needs rows", "needs_a_row")?;
    let mut pinned = note();
    pinned.indexes.push(index("ix_note_body", &["body"], false));
    pinned.columns.push(optional("pinned", SqlType::Integer));
    let generated = stillroom::generate(
        &migrations,
        &schema([pinned])?,
        "pinned",
        GenerateOptions::default(),
    )?;
    assert!(matches!(generated, Generated::Written { .. }));
    Ok(())
}

#[test]
fn a_step_reads_and_writes_the_tables_as_they_are_at_its_revision() -> TestResult {
    let dir = TempDir::new("steps-schema");
    let migrations = dir.join("migrations");
    history(&migrations)?;
    let history = History::read(&migrations)?;
    // A step that writes a column the table does not have at that point
    // (the models have it, later) is told exactly that.
    let early = Steps::new().add("move_tags", |step: &mut Step<'_>| -> StepResult {
        step.update("job", &["slug"], &["id"])?;
        Ok(())
    });
    let conn = Connection::open_in_memory()?;
    let err = Migrator::new(&history)
        .verification(Verification::Off)
        .steps(&early)
        .migrate(&conn)
        .unwrap_err();
    assert!(
        err.to_string().contains(
            "failed: table `job` has no column `slug` at this point of the history (it has id, title, tags)"
        ),
        "{err}"
    );
    Ok(())
}

/// The child of `a_process_killed_during_a_step_leaves_the_old_revision`
/// writes this file from inside the step.
const STEP_PAUSED: &str = "STILLROOM_STEP_CHILD_PAUSED";
const STEP_DB: &str = "STILLROOM_STEP_CHILD_DB";
const STEP_MIGRATIONS: &str = "STILLROOM_STEP_CHILD_MIGRATIONS";

#[test]
fn a_process_killed_during_a_step_leaves_the_old_revision() -> TestResult {
    let dir = TempDir::new("steps-killed");
    let migrations = dir.join("migrations");
    let history = history(&migrations)?;
    let db = dir.join("app.db");
    jobs_database(&db, &history)?;
    let before = rows(&Connection::open(&db)?, "SELECT * FROM job ORDER BY id")?;
    let paused = dir.join("paused");
    let mut child = Command::new(std::env::current_exe()?)
        .args([
            "--exact",
            "steps::killed_step_child",
            "--nocapture",
            "--ignored",
        ])
        .env(STEP_DB, &db)
        .env(STEP_MIGRATIONS, &migrations)
        .env(STEP_PAUSED, &paused)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    // A guard against hanging, not a timing assertion.
    let started = Instant::now();
    while !paused.exists() {
        if started.elapsed() > Duration::from_secs(300) || child.try_wait()?.is_some() {
            let _ = child.kill();
            return Err("the child never reached the step".into());
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill()?;
    child.wait()?;
    let conn = Connection::open(&db)?;
    assert_eq!(rows(&conn, "SELECT * FROM job ORDER BY id")?, before);
    assert_eq!(
        rows(
            &conn,
            "SELECT count(*) FROM sqlite_schema WHERE name IN ('tag', 'job_tag')"
        )?,
        [["Integer(0)"]]
    );
    let status = Migrator::new(&history)
        .verification(Verification::Off)
        .status(&conn)?;
    assert_eq!(status.current.as_deref(), Some("0001_jobs"));
    // The next start runs it all.
    Migrator::new(&history)
        .schema(&models(false, true, true)?)
        .migrate(&conn)?;
    assert_eq!(
        rows(&conn, "SELECT count(*) FROM job_tag")?,
        [["Integer(4)"]]
    );
    Ok(())
}

/// Migrates with a `move_tags` that links a row, says it is inside the
/// step, and waits to be killed.
#[test]
#[ignore = "run as a child process by a_process_killed_during_a_step_leaves_the_old_revision"]
fn killed_step_child() -> TestResult {
    let (Some(db), Some(migrations), Some(paused)) = (
        std::env::var_os(STEP_DB),
        std::env::var_os(STEP_MIGRATIONS),
        std::env::var_os(STEP_PAUSED),
    ) else {
        return Ok(());
    };
    let history = History::read(Path::new(&migrations))?;
    let steps = Steps::new().add("move_tags", move |step: &mut Step<'_>| -> StepResult {
        step.conn()
            .execute("INSERT INTO tag (label) VALUES ('half-way')", [])?;
        fs::write(&paused, "inside the step")?;
        loop {
            std::thread::sleep(Duration::from_secs(1));
        }
    });
    Migrator::new(&history)
        .verification(Verification::Off)
        .steps(&steps)
        .migrate(&stillroom::open(&db)?)?;
    Ok(())
}

#[test]
fn the_guide_shows_the_tested_step() -> TestResult {
    let source = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/steps.rs"))?;
    let start = source
        .find("// <!-- guide: move_tags -->\n")
        .ok_or("no start marker")?;
    let end = source
        .find("// <!-- /guide: move_tags -->")
        .ok_or("no end marker")?;
    let code = &source[start + "// <!-- guide: move_tags -->\n".len()..end];
    let guide = fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/MIGRATIONS.md"
    ))?;
    assert!(
        guide.contains(&format!("```rust,ignore\n{code}```")),
        "docs/MIGRATIONS.md must show `move_tags` exactly as tests/tests/it/steps.rs has it"
    );
    Ok(())
}
