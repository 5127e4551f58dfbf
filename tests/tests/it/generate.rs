//! `generate` and `check` end to end: from an empty history to files on
//! disk, replayed and compared with the models; changed models; byte-for-byte
//! determinism; every refusal (and nothing written); hand-written SQL in the
//! history; revision numbering.

use std::fs;
use std::path::Path;

use crate::common::{
    TempDir, TestResult, apply, apply_file, column, column_mut, database, defaulted, listing,
    optional, rows, schema, table, written,
};
use stillroom::{
    Direction, Error, GenerateOptions, Generated, History, Index, Migration, Model, ModelSet, Op,
    Schema, SqlType, Table, check, diff, generate, introspect, replay,
};

#[derive(Model, Debug)]
#[model(table = "gen_authors")]
struct GenAuthor {
    #[model(primary_key)]
    id: i64,
    name: String,
}

#[derive(Model, Debug)]
#[model(table = "gen_books")]
struct GenBook {
    #[model(primary_key)]
    id: i64,
    #[model(references = "gen_authors(id)", on_delete = "cascade")]
    author_id: i64,
    title: String,
}

#[derive(Model, Debug)]
#[model(table = "gen_client_tasks")]
struct GenClientTask {
    #[model(primary_key)]
    hash: String,
    #[model(default = "'pending'")]
    state: String,
    progress: Option<f64>,
}

const DEFAULT: GenerateOptions = GenerateOptions {
    allow_data_loss: false,
    allow_loss_of: Vec::new(),
    rust_step: None,
};
const LOSSY: GenerateOptions = GenerateOptions {
    allow_data_loss: true,
    allow_loss_of: Vec::new(),
    rust_step: None,
};

fn v1() -> Result<Schema, stillroom::SchemaError> {
    ModelSet::new()
        .with::<GenAuthor>()
        .with::<GenBook>()
        .build()
}

/// `v1` with a model added, a field added, a field renamed with
/// `renamed_from` and an index added.
fn v2() -> Result<Schema, Box<dyn std::error::Error>> {
    let mut authors = GenAuthor::table().clone();
    let name = column_mut(&mut authors, "name")?;
    name.name = "full_name".into();
    name.renamed_from = Some("name".into());
    let mut books = GenBook::table().clone();
    books.columns.push(optional("isbn", SqlType::Text));
    books.indexes.push(Index {
        name: "ix_gen_books_title".into(),
        columns: vec!["title".into()],
        unique: false,
    });
    Ok(Schema::new([
        authors,
        books,
        GenClientTask::table().clone(),
    ])?)
}

/// `v2` with a change only a rebuild makes (a table CHECK).
fn v3() -> Result<Schema, Box<dyn std::error::Error>> {
    let mut tables = v2()?.tables().to_vec();
    for t in &mut tables {
        t.renamed_from = None;
        for c in &mut t.columns {
            c.renamed_from = None;
        }
        if t.name == "gen_books" {
            t.checks.push("length(\"title\") > 0".into());
        }
    }
    Ok(Schema::new(tables)?)
}

/// The differences `check` lists, or an error if it did not fail that way.
fn models_changed(dir: &Path, schema: &Schema) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    match check(dir, schema) {
        Err(Error::ModelsChanged {
            dir: reported,
            differences,
        }) => {
            assert_eq!(reported, dir);
            Ok(differences)
        }
        other => Err(format!("expected ModelsChanged, got {other:?}").into()),
    }
}

#[test]
fn round_trip_from_an_empty_history() -> TestResult {
    let dir = TempDir::new("generate-round-trip");
    let v1 = v1()?;
    assert!(History::read(dir.path())?.migrations.is_empty());

    let (path, migration, ops) = written(generate(dir.path(), &v1, "initial", DEFAULT)?)?;
    assert_eq!(path, dir.join("0001_initial.sql"));
    let text = fs::read_to_string(&path)?;
    assert!(
        text.starts_with(
            "-- stillroom migration\n-- revision: 0001_initial\n-- parent: none\n-- message: initial\n-- requires: SQLite 3.37.0\n-- down-data-loss: drops table `gen_authors` and all its rows\n-- down-data-loss: drops table `gen_books` and all its rows\n\n-- migrate:up\n"
        ),
        "{text}"
    );
    assert!(!text.contains("-- foreign-keys:"), "{text}");
    assert!(!text.contains("-- data-loss:"), "{text}");
    assert!(text.contains("\n-- migrate:down\n"), "{text}");
    assert_eq!(migration.revision, "0001_initial");
    assert_eq!(migration.parent, None);
    assert_eq!(migration.message, "initial");
    assert_eq!(migration.requires.as_deref(), Some("3.37.0"));
    assert!(!migration.foreign_keys_off);
    assert!(migration.data_loss.is_empty());
    assert!(migration.down.is_some());
    assert_eq!(migration.checksum, stillroom::checksum(&text));
    assert_eq!(migration.to_text(), text);
    let parsed = Migration::parse(&text, &path)?;
    assert_eq!(
        Migration {
            checksum: migration.checksum.clone(),
            ..parsed
        },
        migration
    );
    // Parents are created before the tables that reference them.
    let created: Vec<&str> = ops.iter().map(Op::table).collect();
    assert_eq!(created, ["gen_authors", "gen_books"]);
    assert!(ops.iter().all(|op| matches!(op, Op::CreateTable(_))));

    let history = History::read(dir.path())?;
    assert_eq!(history.migrations, [migration]);
    let replayed = replay(&history)?;
    let live = introspect(&replayed.conn)?;
    assert_eq!(live, replayed.schema);
    assert!(diff(&live.schema, &v1, Default::default())?.is_empty());

    assert_eq!(
        generate(dir.path(), &v1, "again", DEFAULT)?,
        Generated::NothingToDo
    );
    check(dir.path(), &v1)?;
    assert_eq!(listing(dir.path())?.len(), 1);

    // Change the models: every difference is listed by `check`.
    let v2 = v2()?;
    let differences = models_changed(dir.path(), &v2)?;
    assert_eq!(
        differences,
        [
            "rename column `gen_authors.name` to `full_name`",
            "add column `gen_books.isbn`",
            "create table `gen_client_tasks`",
            "create index `ix_gen_books_title`",
        ]
    );
    let message = check(dir.path(), &v2).map(|()| String::new());
    let message = message.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("a migration must do this"), "{message}");

    let (path, migration, ops) = written(generate(dir.path(), &v2, "add client task", DEFAULT)?)?;
    assert_eq!(path, dir.join("0002_add_client_task.sql"));
    assert_eq!(migration.parent.as_deref(), Some("0001_initial"));
    assert_eq!(
        ops.iter().map(ToString::to_string).collect::<Vec<_>>(),
        differences
    );
    // Native ALTER TABLE only: no rebuild, so foreign keys stay on.
    assert!(!migration.foreign_keys_off);
    check(dir.path(), &v2)?;
    assert_eq!(
        generate(dir.path(), &v2, "again", DEFAULT)?,
        Generated::NothingToDo
    );
    // The models are now behind the migrations: that is a difference too.
    assert!(!models_changed(dir.path(), &v1)?.is_empty());

    // The written parts do what they say on a real database.
    let conn = database()?;
    apply_file(&conn, &dir.join("0001_initial.sql"), Direction::Up)?;
    apply(&conn, &migration, Direction::Up)?;
    assert!(diff(&introspect(&conn)?.schema, &v2, Default::default())?.is_empty());
    apply(&conn, &migration, Direction::Down)?;
    assert!(diff(&introspect(&conn)?.schema, &v1, Default::default())?.is_empty());
    Ok(())
}

#[test]
fn the_same_models_give_byte_identical_files() -> TestResult {
    let schemas = [v1()?, v2()?, v3()?];
    let messages = ["initial", "add client task", "books need titles"];
    let a = TempDir::new("generate-determinism-a");
    let b = TempDir::new("generate-determinism-b");
    for dir in [&a, &b] {
        for (schema, message) in schemas.iter().zip(messages) {
            written(generate(dir.path(), schema, message, DEFAULT)?)?;
        }
    }
    let (la, lb) = (listing(a.path())?, listing(b.path())?);
    let names: Vec<&str> = la.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "0001_initial.sql",
            "0002_add_client_task.sql",
            "0003_books_need_titles.sql"
        ]
    );
    assert_eq!(la, lb);
    // The third is a rebuild, which turns foreign keys off.
    let third = String::from_utf8(la[2].1.clone())?;
    assert!(third.contains("\n-- foreign-keys: off\n"), "{third}");
    Ok(())
}

#[test]
fn revisions_are_numbered_and_slugged() -> TestResult {
    let dir = TempDir::new("generate-numbering");
    let mut tables = v1()?.tables().to_vec();
    let (p1, ..) = written(generate(
        dir.path(),
        &Schema::new(tables.clone())?,
        "Initial",
        DEFAULT,
    )?)?;
    tables.push(table(
        "gen_notes",
        &["id"],
        vec![column("id", SqlType::Integer)],
    ));
    let (p2, ..) = written(generate(
        dir.path(),
        &Schema::new(tables.clone())?,
        "  add -- notes!! ",
        DEFAULT,
    )?)?;
    tables.push(GenClientTask::table().clone());
    let (p3, m3, _) = written(generate(
        dir.path(),
        &Schema::new(tables)?,
        "Add client task!",
        DEFAULT,
    )?)?;
    assert_eq!(p1, dir.join("0001_initial.sql"));
    assert_eq!(p2, dir.join("0002_add_notes.sql"));
    assert_eq!(p3, dir.join("0003_add_client_task.sql"));
    assert_eq!(m3.revision, "0003_add_client_task");
    assert_eq!(m3.message, "Add client task!");
    assert_eq!(m3.parent.as_deref(), Some("0002_add_notes"));

    let history = History::read(dir.path())?;
    assert_eq!(history.next_revision("")?, "0004");
    assert_eq!(history.next_revision("?!")?, "0004");
    assert_eq!(
        history.next_revision(&"x".repeat(60))?,
        format!("0004_{}", "x".repeat(48))
    );
    assert_eq!(History::default().next_revision("init")?, "0001_init");
    Ok(())
}

#[test]
fn a_multi_line_message_is_slugged_from_its_first_line() -> TestResult {
    let dir = TempDir::new("generate-multi-line-message");
    written(generate(dir.path(), &v1()?, "initial", DEFAULT)?)?;
    let (path, migration, _) = written(generate(
        dir.path(),
        &v2()?,
        "Add client task!\n\nThe long explanation goes here.",
        DEFAULT,
    )?)?;
    // Only the message's first line goes in the header...
    assert_eq!(migration.message, "Add client task!");
    // ...and in the file name.
    assert_eq!(path, dir.join("0002_add_client_task.sql"));
    Ok(())
}

#[test]
fn revision_numbers_follow_the_highest_number() -> TestResult {
    let dir = TempDir::created("generate-numbering-gap")?;
    let file = |revision: &str, parent: &str| {
        format!(
            "-- stillroom migration\n-- revision: {revision}\n-- parent: {parent}\n-- message: by hand\n\n-- migrate:up\nSELECT 1;\n"
        )
    };
    fs::write(dir.join("0001_a.sql"), file("0001_a", "none"))?;
    fs::write(dir.join("0007_b.sql"), file("0007_b", "0001_a"))?;
    // A hand-named revision without a number does not count.
    fs::write(dir.join("zz_extra.sql"), file("zz_extra", "0007_b"))?;
    let history = History::read(dir.path())?;
    assert_eq!(history.next_revision("next")?, "0008_next");
    let schema = Schema::new([table(
        "gen_gap",
        &["id"],
        vec![column("id", SqlType::Integer)],
    )])?;
    let (path, migration, _) = written(generate(dir.path(), &schema, "next", DEFAULT)?)?;
    assert_eq!(path, dir.join("0008_next.sql"));
    assert_eq!(migration.parent.as_deref(), Some("zz_extra"));
    Ok(())
}

// --- Refusals -------------------------------------------------------------

/// Generates `before`, then checks that `after` is refused with each of
/// `refusals` (and nothing is written), and that with data loss allowed the
/// file lists each of `losses` in its header.
fn refused_then_allowed(
    name: &str,
    before: Vec<Table>,
    after: Vec<Table>,
    refusals: &[&str],
    losses: &[&str],
) -> TestResult {
    let dir = TempDir::new(name);
    written(generate(
        dir.path(),
        &Schema::new(before)?,
        "initial",
        DEFAULT,
    )?)?;
    let listed = listing(dir.path())?;
    let after = Schema::new(after)?;
    match generate(dir.path(), &after, "change", DEFAULT) {
        Err(Error::Refused(refused)) => {
            assert_eq!(refused.refusals.len(), refusals.len(), "{refused}");
            let message = Error::Refused(refused.clone()).to_string();
            assert!(
                message.starts_with("the migration would lose data, so it was not generated"),
                "{message}"
            );
            for expected in refusals {
                assert!(
                    refused.refusals.iter().any(|r| r.contains(expected)),
                    "no refusal says {expected:?}: {refused}"
                );
                assert!(message.contains(expected), "{message}");
            }
            // Every refusal says how to accept the loss.
            assert!(
                refused
                    .refusals
                    .iter()
                    .all(|r| r.contains("--allow-loss-of ")),
                "{refused}"
            );
        }
        other => return Err(format!("{name}: expected a refusal, got {other:?}").into()),
    }
    assert_eq!(listing(dir.path())?, listed, "{name}: a file was written");
    // `check` still reports the change (it never refuses).
    assert!(!models_changed(dir.path(), &after)?.is_empty());

    let (path, migration, _) = written(generate(dir.path(), &after, "change", LOSSY)?)?;
    let text = fs::read_to_string(&path)?;
    let header: Vec<&str> = text
        .lines()
        .take_while(|l| *l != "-- migrate:up")
        .filter(|l| l.starts_with("-- data-loss: "))
        .collect();
    assert_eq!(header.len(), losses.len(), "{text}");
    assert_eq!(migration.data_loss.len(), losses.len(), "{text}");
    for expected in losses {
        assert!(
            header
                .iter()
                .any(|l| l.starts_with(&format!("-- data-loss: {expected}"))),
            "no `-- data-loss: {expected}` line in:\n{text}"
        );
    }
    check(dir.path(), &after)?;
    Ok(())
}

fn gen_items(extra: Vec<stillroom::Column>) -> Table {
    let mut columns = vec![column("id", SqlType::Integer)];
    columns.extend(extra);
    table("gen_items", &["id"], columns)
}

#[test]
fn dropping_a_table_is_refused() -> TestResult {
    let other = table("gen_other", &["id"], vec![column("id", SqlType::Text)]);
    refused_then_allowed(
        "generate-refuse-drop-table",
        vec![gen_items(vec![]), other],
        vec![gen_items(vec![])],
        &["table `gen_other` has no model any more"],
        &["drops table `gen_other` and all its rows"],
    )
}

#[test]
fn dropping_a_column_is_refused() -> TestResult {
    refused_then_allowed(
        "generate-refuse-drop-column",
        vec![gen_items(vec![optional("legacy", SqlType::Blob)])],
        vec![gen_items(vec![])],
        &["column `gen_items.legacy` has no field any more"],
        &["drops column `gen_items.legacy` and its values"],
    )
}

#[test]
fn an_ambiguous_rename_is_refused() -> TestResult {
    refused_then_allowed(
        "generate-refuse-ambiguous-rename",
        vec![gen_items(vec![optional("label", SqlType::Text)])],
        vec![gen_items(vec![optional("title", SqlType::Text)])],
        &[
            "column `label` is gone and column `title` (TEXT) is new: if `title` is `label` renamed, add `#[model(renamed_from = \"label\")]` to field `title`",
        ],
        // Allowed: a drop and an add, not a rename.
        &["drops column `gen_items.label` and its values"],
    )
}

#[test]
fn a_lossy_type_change_is_refused() -> TestResult {
    refused_then_allowed(
        "generate-refuse-type",
        vec![gen_items(vec![column("amount", SqlType::Text)])],
        vec![gen_items(vec![column("amount", SqlType::Integer)])],
        &["changing `gen_items.amount` from TEXT to INTEGER can lose values"],
        &["changes `gen_items.amount` from TEXT to INTEGER"],
    )
}

#[test]
fn a_lossless_type_change_is_not_refused() -> TestResult {
    let dir = TempDir::new("generate-lossless-type");
    let before = Schema::new([gen_items(vec![column("amount", SqlType::Integer)])])?;
    written(generate(dir.path(), &before, "initial", DEFAULT)?)?;
    let after = Schema::new([gen_items(vec![column("amount", SqlType::Text)])])?;
    let (_, migration, ops) = written(generate(dir.path(), &after, "widen", DEFAULT)?)?;
    assert!(migration.data_loss.is_empty());
    assert!(migration.foreign_keys_off);
    assert!(matches!(ops.as_slice(), [Op::RebuildTable(_)]), "{ops:?}");
    Ok(())
}

#[test]
fn not_null_on_an_existing_column_is_refused() -> TestResult {
    refused_then_allowed(
        "generate-refuse-not-null",
        vec![gen_items(vec![optional("note", SqlType::Text)])],
        vec![gen_items(vec![column("note", SqlType::Text)])],
        &[
            "making `gen_items.note` NOT NULL changes data (the migration fails if any row holds NULL)",
        ],
        &["makes `gen_items.note` NOT NULL: the migration fails if any row holds NULL"],
    )?;
    refused_then_allowed(
        "generate-refuse-not-null-default",
        vec![gen_items(vec![optional("note", SqlType::Text)])],
        vec![gen_items(vec![defaulted("note", SqlType::Text, "''")])],
        &["making `gen_items.note` NOT NULL changes data (its NULLs become '')"],
        &["makes `gen_items.note` NOT NULL: its NULLs become ''"],
    )
}

#[test]
fn a_not_null_column_without_default_is_refused() -> TestResult {
    refused_then_allowed(
        "generate-refuse-not-null-add",
        vec![gen_items(vec![])],
        vec![gen_items(vec![column("weight", SqlType::Real)])],
        &["column `gen_items.weight` is NOT NULL without a default"],
        &["adds NOT NULL column `gen_items.weight` without a default"],
    )
}

#[test]
fn every_refusal_of_one_change_is_listed() -> TestResult {
    let other = table("gen_other", &["id"], vec![column("id", SqlType::Text)]);
    refused_then_allowed(
        "generate-refuse-several",
        vec![
            gen_items(vec![
                optional("legacy", SqlType::Blob),
                column("amount", SqlType::Text),
            ]),
            other,
        ],
        vec![gen_items(vec![
            column("amount", SqlType::Integer),
            column("weight", SqlType::Real),
        ])],
        &[
            "column `gen_items.legacy` has no field any more",
            "changing `gen_items.amount` from TEXT to INTEGER",
            "column `gen_items.weight` is NOT NULL without a default",
            "table `gen_other` has no model any more",
        ],
        &[
            "drops column `gen_items.legacy`",
            "changes `gen_items.amount` from TEXT to INTEGER",
            "adds NOT NULL column `gen_items.weight`",
            "drops table `gen_other`",
        ],
    )
}

// --- Hand-written SQL in the history --------------------------------------

/// `text` with `sql` appended to its up part.
fn append_to_up(text: &str, sql: &str) -> Result<String, String> {
    let at = text
        .find("\n-- migrate:down\n")
        .ok_or("no down part to insert before")?;
    Ok(format!("{}{sql}{}", &text[..at], &text[at..]))
}

/// `text` with `sql` prepended to its down part.
fn prepend_to_down(text: &str, sql: &str) -> Result<String, String> {
    let marker = "\n-- migrate:down\n";
    let at = text.find(marker).ok_or("no down part")? + marker.len();
    Ok(format!("{}{sql}{}", &text[..at], &text[at..]))
}

fn notes(extra: Vec<stillroom::Column>) -> Table {
    let mut columns = vec![
        column("id", SqlType::Integer),
        column("title", SqlType::Text),
    ];
    columns.extend(extra);
    table("gen_notes", &["id"], columns)
}

#[test]
fn a_hand_edited_backfill_keeps_working() -> TestResult {
    let dir = TempDir::new("generate-backfill");
    let conn = database()?;
    let (p1, ..) = written(generate(
        dir.path(),
        &Schema::new([notes(vec![])])?,
        "initial",
        DEFAULT,
    )?)?;
    apply_file(&conn, &p1, Direction::Up)?;
    conn.execute_batch(
        "INSERT INTO gen_notes (id, title) VALUES (1, 'Hello World'), (2, 'Second Note');",
    )?;

    let v2 = Schema::new([notes(vec![optional("slug", SqlType::Text)])])?;
    let (p2, ..) = written(generate(dir.path(), &v2, "add slug", DEFAULT)?)?;
    let text = fs::read_to_string(&p2)?;
    let text = append_to_up(
        &text,
        "\n-- backfill, by hand\nUPDATE gen_notes SET slug = lower(replace(title, ' ', '-'));\nINSERT INTO gen_notes (id, title, slug) VALUES (100, 'Seeded', 'seeded');\n",
    )?;
    let text = prepend_to_down(&text, "DELETE FROM gen_notes WHERE id = 100;\n")?;
    fs::write(&p2, &text)?;

    // The edited file still replays and still matches the models.
    let history = History::read(dir.path())?;
    let replayed = replay(&history)?;
    let seeded: i64 =
        replayed
            .conn
            .query_row("SELECT count(*) FROM gen_notes WHERE id = 100", [], |r| {
                r.get(0)
            })?;
    assert_eq!(seeded, 1);
    check(dir.path(), &v2)?;
    assert_eq!(
        generate(dir.path(), &v2, "again", DEFAULT)?,
        Generated::NothingToDo
    );

    // It backfills a database with rows.
    apply_file(&conn, &p2, Direction::Up)?;
    let slugs = rows(&conn, "SELECT id, slug FROM gen_notes ORDER BY id")?;
    assert_eq!(
        slugs,
        [
            ["Integer(1)", "Text(\"hello-world\")"],
            ["Integer(2)", "Text(\"second-note\")"],
            ["Integer(100)", "Text(\"seeded\")"],
        ]
    );

    // The next generated migration (a rebuild) builds on it, and carries
    // the backfilled values through the rebuild.
    let mut v3 = notes(vec![optional("slug", SqlType::Text)]);
    v3.checks.push("length(title) > 0".into());
    let v3 = Schema::new([v3])?;
    let (p3, m3, _) = written(generate(dir.path(), &v3, "titles not empty", DEFAULT)?)?;
    assert_eq!(m3.parent.as_deref(), Some("0002_add_slug"));
    apply_file(&conn, &p3, Direction::Up)?;
    assert_eq!(
        rows(&conn, "SELECT id, slug FROM gen_notes ORDER BY id")?,
        slugs
    );
    apply_file(&conn, &p3, Direction::Down)?;
    apply_file(&conn, &p2, Direction::Down)?;
    assert_eq!(
        rows(&conn, "SELECT * FROM gen_notes ORDER BY id")?,
        [
            ["Integer(1)", "Text(\"Hello World\")"],
            ["Integer(2)", "Text(\"Second Note\")"],
        ]
    );
    Ok(())
}

fn orders() -> Table {
    table(
        "gen_orders",
        &["id"],
        vec![
            column("id", SqlType::Integer),
            column("total", SqlType::Integer),
            defaulted("status", SqlType::Text, "'new'"),
        ],
    )
}

fn order_log() -> Table {
    let mut t = table(
        "gen_order_log",
        &["id"],
        vec![
            column("id", SqlType::Integer),
            column("order_id", SqlType::Integer),
            column("note", SqlType::Text),
        ],
    );
    t.primary_key.autoincrement = true;
    t
}

const VIEWS_AND_TRIGGERS: &str = "\
-- stillroom migration
-- revision: 0002_views_and_triggers
-- parent: 0001_initial
-- message: a view and a trigger, by hand

-- migrate:up
CREATE VIEW gen_open_orders AS
    SELECT id, total FROM gen_orders WHERE status <> 'done';

CREATE TRIGGER gen_orders_logged AFTER UPDATE OF status ON gen_orders
BEGIN
    INSERT INTO gen_order_log (order_id, note)
    VALUES (new.id, CASE WHEN new.status = 'done' THEN 'finished' ELSE 'now ' || new.status END);
    DELETE FROM gen_order_log WHERE order_id = new.id AND note = 'never; written';
END;

-- migrate:down
DROP TRIGGER gen_orders_logged;
DROP VIEW gen_open_orders;
";

#[test]
fn hand_written_views_and_triggers_are_replayed_and_kept() -> TestResult {
    let dir = TempDir::new("generate-views-triggers");
    let v1 = Schema::new([orders(), order_log()])?;
    written(generate(dir.path(), &v1, "initial", DEFAULT)?)?;
    fs::write(dir.join("0002_views_and_triggers.sql"), VIEWS_AND_TRIGGERS)?;

    let replayed = replay(&History::read(dir.path())?)?;
    let names = |objects: &[stillroom::SchemaObject]| -> Vec<String> {
        objects.iter().map(|o| o.name.clone()).collect()
    };
    assert_eq!(names(&replayed.schema.views), ["gen_open_orders"]);
    assert_eq!(names(&replayed.schema.triggers), ["gen_orders_logged"]);
    // Views and triggers are not part of the models: nothing to generate.
    check(dir.path(), &v1)?;
    assert_eq!(
        generate(dir.path(), &v1, "again", DEFAULT)?,
        Generated::NothingToDo
    );

    // A rebuild of the table sets them aside and puts them back.
    let mut changed = orders();
    changed.checks.push("total >= 0".into());
    let v2 = Schema::new([changed, order_log()])?;
    let (_, migration, ops) = written(generate(dir.path(), &v2, "totals not negative", DEFAULT)?)?;
    assert!(matches!(ops.as_slice(), [Op::RebuildTable(_)]), "{ops:?}");
    assert_eq!(migration.parent.as_deref(), Some("0002_views_and_triggers"));
    for expected in [
        "DROP TRIGGER \"gen_orders_logged\";",
        "DROP VIEW \"gen_open_orders\";",
        "CREATE VIEW gen_open_orders AS",
        "CREATE TRIGGER gen_orders_logged AFTER UPDATE OF status ON gen_orders",
    ] {
        assert!(migration.up.contains(expected), "{}", migration.up);
    }
    check(dir.path(), &v2)?;

    let replayed = replay(&History::read(dir.path())?)?;
    assert_eq!(names(&replayed.schema.views), ["gen_open_orders"]);
    assert_eq!(names(&replayed.schema.triggers), ["gen_orders_logged"]);
    // And the trigger still fires.
    replayed.conn.execute_batch(
        "INSERT INTO gen_orders (id, total) VALUES (1, 10), (2, 20);
         UPDATE gen_orders SET status = 'done' WHERE id = 1;
         UPDATE gen_orders SET status = 'paid' WHERE id = 2;",
    )?;
    assert_eq!(
        rows(
            &replayed.conn,
            "SELECT order_id, note FROM gen_order_log ORDER BY id"
        )?,
        [
            ["Integer(1)", "Text(\"finished\")"],
            ["Integer(2)", "Text(\"now paid\")"],
        ]
    );
    assert_eq!(
        rows(&replayed.conn, "SELECT id FROM gen_open_orders")?,
        [["Integer(2)"]]
    );
    Ok(())
}

#[test]
fn a_hand_made_table_without_a_model_is_proposed_as_a_drop() -> TestResult {
    let dir = TempDir::new("generate-hand-table");
    let widgets = table(
        "gen_widgets",
        &["id"],
        vec![
            column("id", SqlType::Integer),
            column("name", SqlType::Text),
        ],
    );
    let v1 = Schema::new([widgets.clone()])?;
    written(generate(dir.path(), &v1, "initial", DEFAULT)?)?;
    fs::write(
        dir.join("0002_audit.sql"),
        "-- stillroom migration\n-- revision: 0002_audit\n-- parent: 0001_initial\n-- message: audit table, by hand\n\n-- migrate:up\nCREATE TABLE gen_audit (\n    id INTEGER NOT NULL PRIMARY KEY,\n    what TEXT NOT NULL\n) STRICT;\n\n-- migrate:down\nDROP TABLE gen_audit;\n",
    )?;
    assert_eq!(models_changed(dir.path(), &v1)?, ["drop table `gen_audit`"]);
    let listed = listing(dir.path())?;
    match generate(dir.path(), &v1, "change", DEFAULT) {
        Err(Error::Refused(r)) => {
            assert_eq!(r.refusals.len(), 1, "{r}");
            assert!(
                r.refusals[0].contains("table `gen_audit` has no model any more"),
                "{r}"
            );
        }
        other => return Err(format!("expected a refusal, got {other:?}").into()),
    }
    assert_eq!(listing(dir.path())?, listed);

    // A model for the hand-made table: nothing to generate.
    let audit = table(
        "gen_audit",
        &["id"],
        vec![
            column("id", SqlType::Integer),
            column("what", SqlType::Text),
        ],
    );
    let v2 = Schema::new([widgets, audit])?;
    check(dir.path(), &v2)?;
    assert_eq!(
        generate(dir.path(), &v2, "again", DEFAULT)?,
        Generated::NothingToDo
    );
    Ok(())
}

#[test]
fn what_cannot_be_compared_is_noted_in_the_file() -> TestResult {
    let dir = TempDir::new("generate-not-compared");
    let v1 = Schema::new([notes(vec![])])?;
    written(generate(dir.path(), &v1, "initial", DEFAULT)?)?;
    fs::write(
        dir.join("0002_lower_title.sql"),
        "-- stillroom migration\n-- revision: 0002_lower_title\n-- parent: 0001_initial\n-- message: expression index\n\n-- migrate:up\nCREATE INDEX gen_notes_lower_title ON gen_notes (lower(title));\n",
    )?;
    check(dir.path(), &v1)?;
    let v2 = Schema::new([notes(vec![optional("body", SqlType::Text)])])?;
    let (_, migration, _) = written(generate(dir.path(), &v2, "add body", DEFAULT)?)?;
    assert!(
        migration.up.starts_with(
            "-- not compared: partial or expression index `gen_notes_lower_title` on `gen_notes`\n"
        ),
        "{}",
        migration.up
    );
    Ok(())
}

#[test]
fn a_missing_directory_is_created_by_generate() -> TestResult {
    let parent = TempDir::new("generate-missing-dir");
    let dir = parent.join("db").join("migrations");
    let schema = Schema::new([notes(vec![])])?;
    check(&dir, &Schema::default())?;
    assert!(!models_changed(&dir, &schema)?.is_empty());
    let (path, ..) = written(generate(&dir, &schema, "initial", DEFAULT)?)?;
    assert!(path.starts_with(&dir) && path.is_file());
    check(&dir, &schema)?;
    Ok(())
}

#[test]
fn a_program_without_models_is_told_so_not_that_every_table_is_dropped() -> TestResult {
    let dir = TempDir::new("generate-no-models");
    stillroom::generate(dir.path(), &v1()?, "initial", GenerateOptions::default())?;
    let empty = Schema::default();
    for err in [
        stillroom::check(dir.path(), &empty).unwrap_err(),
        stillroom::generate(dir.path(), &empty, "oops", GenerateOptions::default()).unwrap_err(),
    ] {
        assert!(matches!(err, stillroom::Error::NoModels { .. }), "{err:?}");
        let message = format!("{err:?}");
        assert!(
            message.contains("no models are registered")
                && message.contains("integration test")
                && !message.contains("drop table"),
            "{message}"
        );
    }
    // A changed model: the differences and the command to run.
    let err = stillroom::check(dir.path(), &v2()?).unwrap_err();
    let message = format!("{err:?}");
    assert!(
        message.contains("db revision --autogenerate") && message.contains("  - "),
        "{message}"
    );
    Ok(())
}

#[test]
fn a_default_with_a_line_break_stays_on_its_header_line() -> TestResult {
    let dir = TempDir::new("generate-newline-default");
    let mut note = column("note", SqlType::Text);
    note.nullable = true;
    let before = schema([table(
        "notes",
        &["id"],
        vec![column("id", SqlType::Integer), note],
    )])?;
    generate(dir.path(), &before, "initial", DEFAULT)?;
    // NOT NULL with a default holding a line break, a carriage return and a
    // backslash: the data-loss line quotes it.
    let after = schema([table(
        "notes",
        &["id"],
        vec![
            column("id", SqlType::Integer),
            defaulted("note", SqlType::Text, "'a\nb\r\\c'"),
        ],
    )])?;
    let (path, migration, _) = written(generate(
        dir.path(),
        &after,
        "note required",
        GenerateOptions {
            allow_data_loss: true,
            allow_loss_of: Vec::new(),
            rust_step: None,
        },
    )?)?;
    let text = fs::read_to_string(&path)?;
    let loss = text
        .lines()
        .find(|l| l.starts_with("-- data-loss: "))
        .ok_or("no data-loss line")?;
    assert!(loss.ends_with(r"its NULLs become 'a\nb\r\\c'"), "{loss}");
    assert_eq!(
        migration.data_loss,
        ["makes `notes.note` NOT NULL: its NULLs become 'a\nb\r\\c'"]
    );
    // Every later command reads the directory; the migration applies.
    let history = History::read(dir.path())?;
    assert_eq!(history.migrations.len(), 2);
    assert_eq!(history.migrations[1].data_loss, migration.data_loss);
    let conn = database()?;
    stillroom::Migrator::new(&history)
        .schema(&after)
        .migrate(&conn)?;
    // Nothing but the two files was left behind.
    assert_eq!(listing(dir.path())?.len(), 2);
    Ok(())
}

#[test]
fn data_loss_is_allowed_per_table_or_column() -> TestResult {
    let dir = TempDir::new("generate-loss-of");
    let before = schema([
        table(
            "keep",
            &["id"],
            vec![
                column("id", SqlType::Integer),
                optional("legacy", SqlType::Text),
                optional("other", SqlType::Text),
            ],
        ),
        table("gone", &["id"], vec![column("id", SqlType::Integer)]),
    ])?;
    generate(dir.path(), &before, "initial", DEFAULT)?;
    // `keep` loses two columns and `gone` goes.
    let after = schema([table("keep", &["id"], vec![column("id", SqlType::Integer)])])?;
    let only = |scopes: &[&str]| GenerateOptions {
        allow_data_loss: false,
        allow_loss_of: scopes.iter().map(|s| (*s).to_owned()).collect(),
        rust_step: None,
    };
    let refusals = |scopes: &[&str]| -> Result<Vec<String>, Box<dyn std::error::Error>> {
        match generate(dir.path(), &after, "drop", only(scopes)) {
            Err(Error::Refused(refused)) => Ok(refused.refusals),
            other => Err(format!("expected a refusal, got {other:?}").into()),
        }
    };
    let refused = refusals(&["KEEP.legacy"])?;
    assert_eq!(refused.len(), 2, "{refused:#?}");
    assert!(
        refused[0].contains("`keep.other`") && refused[0].contains("--allow-loss-of keep.other"),
        "{refused:#?}"
    );
    assert!(
        refused[1].contains("table `gone`") && refused[1].contains("--allow-loss-of gone`"),
        "{refused:#?}"
    );
    // A table's scope covers its columns.
    assert_eq!(refusals(&["keep"])?.len(), 1);
    assert_eq!(
        listing(dir.path())?.len(),
        1,
        "nothing written while refused"
    );

    let (_, migration, _) = written(generate(
        dir.path(),
        &after,
        "drop",
        only(&["keep", "gone"]),
    )?)?;
    assert_eq!(
        migration.data_loss,
        [
            "drops column `keep.legacy` and its values",
            "drops column `keep.other` and its values",
            "drops table `gone` and all its rows",
        ]
    );
    Ok(())
}
