//! Data migrations in Rust on PostgreSQL: `-- rust: NAME` lines run the
//! functions `#[stillroom::step(postgres)]` registers, inside the migrating
//! transaction, where they are marked.
//!
//! Needs `STILLROOM_TEST_POSTGRES`, as the other PostgreSQL tests.

mod common;

use common::Scratch;
use stillroom::postgres::{Client, Migrator, Step};
use stillroom::{Error, History, StepResult, Target, Verification};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// `job.shout` filled from `title`, between the statement that adds the
/// column and the one that makes it NOT NULL.
#[stillroom::step(postgres)]
fn shout_titles(step: &mut Step<'_>) -> StepResult {
    for row in step.query("SELECT id, title FROM job ORDER BY id", &[])? {
        let (id, title): (i64, String) = (row.get("id"), row.get("title"));
        step.execute(
            "UPDATE job SET shout = $1 WHERE id = $2",
            &[&title.to_uppercase(), &id],
        )?;
    }
    Ok(())
}

/// The down part's step: counts what it undoes, into a table of its own.
#[stillroom::step(postgres, name = "note_undo")]
fn noting_the_undo(step: &mut Step<'_>) -> StepResult {
    step.batch_execute("CREATE TABLE IF NOT EXISTS undo_log (n BIGINT NOT NULL)")?;
    step.execute(
        "INSERT INTO undo_log SELECT count(*) FROM job WHERE shout IS NOT NULL",
        &[],
    )?;
    Ok(())
}

#[stillroom::step(postgres)]
fn fails_on_a_row(step: &mut Step<'_>) -> StepResult {
    step.execute("UPDATE job SET title = 'changed'", &[])?;
    Err("row 2 has no owner".into())
}

#[stillroom::step(postgres)]
fn panics(_: &mut Step<'_>) -> StepResult {
    panic!("unexpected state")
}

#[stillroom::step(postgres)]
fn commits(step: &mut Step<'_>) -> StepResult {
    step.batch_execute("UPDATE job SET title = 'x'; COMMIT")?;
    Ok(())
}

/// The history: `0001_jobs` (with two rows inserted by its up part)
/// and `0002_shout`, whose up part runs the step `up` between adding
/// `shout` and making it NOT NULL, and whose down part runs `down`.
fn history(s: &Scratch, up: &str, down: &str) -> Result<History, Box<dyn std::error::Error>> {
    std::fs::write(
        s.dir.join("0001_jobs.sql"),
        "-- stillroom migration\n-- revision: 0001_jobs\n-- parent: none\n-- message: jobs\n-- dialect: postgres\n\n-- migrate:up\nCREATE TABLE job (id BIGINT PRIMARY KEY, title TEXT NOT NULL);\nINSERT INTO job VALUES (1, 'first'), (2, 'second');\n\n-- migrate:down\nDROP TABLE job;\n",
    )?;
    std::fs::write(
        s.dir.join("0002_shout.sql"),
        format!(
            "-- stillroom migration\n-- revision: 0002_shout\n-- parent: 0001_jobs\n-- message: shout\n-- dialect: postgres\n\n-- migrate:up\nALTER TABLE job ADD COLUMN shout TEXT;\n-- rust: {up}\nALTER TABLE job ALTER COLUMN shout SET NOT NULL;\n\n-- migrate:down\n-- rust: {down}\nALTER TABLE job DROP COLUMN shout;\n"
        ),
    )?;
    Ok(History::read(&s.dir)?)
}

fn one(client: &mut Client, sql: &str) -> Result<String, Box<dyn std::error::Error>> {
    Ok(client
        .query_one(&format!("SELECT ({sql})::text"), &[])?
        .get(0))
}

fn migrator(history: &History) -> Migrator<'_> {
    // The models are not these tables: the run is what is tested here.
    Migrator::new(history).verification(Verification::Off)
}

#[test]
fn a_step_runs_where_it_is_marked_up_and_down() -> TestResult {
    let s = Scratch::new("steps_runs")?;
    let history = history(&s, "shout_titles", "note_undo")?;
    let mut client = s.client()?;
    let report = migrator(&history).migrate(&mut client)?;
    assert_eq!(report.ran, ["0001_jobs", "0002_shout"]);
    // The step ran after ADD COLUMN and before SET NOT NULL, which would
    // have failed on NULLs.
    assert_eq!(
        one(
            &mut client,
            "SELECT string_agg(shout, ',' ORDER BY id) FROM job"
        )?,
        "FIRST,SECOND"
    );
    migrator(&history)
        .allow_data_loss(true)
        .downgrade(&mut client, &Target::Relative(-1))?;
    // The down part's step ran before the column was dropped.
    assert_eq!(one(&mut client, "SELECT n FROM undo_log")?, "2");
    assert_eq!(
        one(
            &mut client,
            "SELECT count(*) FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'shout'"
        )?,
        "0"
    );
    Ok(())
}

#[test]
fn a_failing_or_panicking_step_rolls_the_whole_upgrade_back() -> TestResult {
    for (name, says) in [
        ("fails_on_a_row", "failed: row 2 has no owner"),
        ("panics", "failed: it panicked: unexpected state"),
        ("commits", "cannot appear in a migration"),
    ] {
        let s = Scratch::new(&format!("steps_{name}"))?;
        let history = history(&s, name, "note_undo")?;
        let mut client = s.client()?;
        let err = migrator(&history).migrate(&mut client).unwrap_err();
        let Error::Step(failed) = &err else {
            panic!("{name}: {err}")
        };
        assert_eq!(
            (failed.revision.as_str(), failed.step.as_str(), failed.line),
            ("0002_shout", name, 9),
            "{err}"
        );
        assert!(err.to_string().contains(says), "{name}: {err}");
        // One transaction: not even the first revision is there.
        assert_eq!(one(&mut client, "to_regclass('job') IS NULL")?, "true");
        assert_eq!(
            one(&mut client, "to_regclass('stillroom_migrations') IS NULL")?,
            "true"
        );
    }
    Ok(())
}

#[test]
fn a_step_the_program_lacks_is_named_before_anything_runs() -> TestResult {
    let s = Scratch::new("steps_missing")?;
    let history = history(&s, "never_registered", "note_undo")?;
    let mut client = s.client()?;
    migrator(&history).upgrade(&mut client, &Target::Relative(1))?;
    let err = migrator(&history).migrate(&mut client).unwrap_err();
    assert!(matches!(err, Error::MissingPostgresSteps { .. }), "{err}");
    let text = err.to_string();
    assert!(
        text.contains("`never_registered` (")
            && text.contains("0002_shout.sql:9, revision `0002_shout`")
            && text.contains("#[stillroom::step(postgres)]")
            && text.contains("shout_titles"),
        "{text}"
    );
    assert_eq!(
        one(&mut client, "SELECT count(*) FROM stillroom_migrations")?,
        "1"
    );
    // Offline SQL cannot hold a step: refused, naming it.
    let err = migrator(&history)
        .sql(Some("0001_jobs"), &Target::Head)
        .unwrap_err();
    assert!(matches!(err, Error::OfflineStep { .. }), "{err}");
    Ok(())
}

#[test]
fn a_marker_inside_a_dollar_quoted_body_is_refused_when_the_file_is_read() -> TestResult {
    let s = Scratch::new("steps_quoted")?;
    std::fs::write(
        s.dir.join("0001_fn.sql"),
        "-- stillroom migration\n-- revision: 0001_fn\n-- parent: none\n-- message: fn\n-- dialect: postgres\n\n-- migrate:up\nCREATE FUNCTION two() RETURNS int AS $$\nSELECT 1;\n-- rust: shout_titles\nSELECT 2;\n$$ LANGUAGE sql;\n",
    )?;
    let err = History::read(&s.dir).unwrap_err();
    assert!(
        err.to_string().contains("0001_fn.sql:10")
            && err
                .to_string()
                .contains("is inside a statement (lines 8 to 12)"),
        "{err}"
    );
    Ok(())
}
