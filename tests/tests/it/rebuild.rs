//! Generated migrations applied to databases holding rows, above all the
//! 12-step table rebuild: children of a rebuilt parent keep their rows,
//! triggers, views and indexes survive, the AUTOINCREMENT counter is kept, a
//! rebuild that would break a foreign key changes nothing, renames keep
//! values, and a primary key can grow a column.
//!
//! Each part of each migration is applied on its own with `common::apply`,
//! which does what the runner does (foreign keys off around the transaction
//! when the header says so, `foreign_key_check` before commit, rollback on
//! error).

use std::error::Error;
use std::fs;

use crate::common::{
    SchemaRow, TempDir, TestResult, apply, column, column_mut, database, defaulted,
    foreign_keys_on, optional, rows, schema_dump, table, value, written,
};
use rusqlite::Connection;
use stillroom::{
    Action, Direction, ForeignKey, GenerateOptions, Index, Migration, Op, Schema, SqlType, Table,
    diff, generate, introspect,
};

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

/// Generates the migration to `schema` into `dir` and returns it.
fn next(
    dir: &TempDir,
    schema: &Schema,
    message: &str,
    options: GenerateOptions,
) -> Result<(Migration, Vec<Op>), Box<dyn Error>> {
    let (_, migration, ops) = written(generate(dir.path(), schema, message, options)?)?;
    Ok((migration, ops))
}

/// Fails unless the live schema of `conn` is `schema`.
fn assert_schema(conn: &Connection, schema: &Schema) -> TestResult {
    let d = diff(&introspect(conn)?.schema, schema, LOSSY_DIFF)?;
    assert!(
        d.is_empty(),
        "the database differs from the models: {:?}",
        d.ops
    );
    Ok(())
}

const LOSSY_DIFF: stillroom::DiffOptions = stillroom::DiffOptions {
    allow_data_loss: true,
    allow_loss_of: Vec::new(),
};

fn fk(columns: &[&str], parent: &str, parent_columns: &[&str], on_delete: Action) -> ForeignKey {
    ForeignKey {
        columns: columns.iter().map(|c| (*c).to_owned()).collect(),
        references_table: parent.to_owned(),
        references_columns: parent_columns.iter().map(|c| (*c).to_owned()).collect(),
        on_delete,
        on_update: Action::NoAction,
    }
}

fn index(name: &str, columns: &[&str], unique: bool) -> Index {
    Index {
        name: name.to_owned(),
        columns: columns.iter().map(|c| (*c).to_owned()).collect(),
        unique,
    }
}

fn assert_rebuilds(ops: &[Op], table: &str) {
    assert!(
        ops.iter()
            .any(|op| matches!(op, Op::RebuildTable(r) if r.to.name == table)),
        "expected a rebuild of `{table}`: {ops:?}"
    );
}

// --- (a) children of a rebuilt parent -------------------------------------

fn parents() -> Table {
    table(
        "rb_parents",
        &["id"],
        vec![
            column("id", SqlType::Integer),
            column("name", SqlType::Text),
            defaulted("score", SqlType::Integer, "0"),
        ],
    )
}

fn children() -> Table {
    let mut t = table(
        "rb_children",
        &["id"],
        vec![
            column("id", SqlType::Integer),
            column("parent_id", SqlType::Integer),
            column("label", SqlType::Text),
        ],
    );
    t.foreign_keys
        .push(fk(&["parent_id"], "rb_parents", &["id"], Action::Cascade));
    t.indexes
        .push(index("ix_rb_children_parent_id", &["parent_id"], false));
    t
}

/// Children whose reference is cleared, not deleted, with their parent.
fn notes() -> Table {
    let mut t = table(
        "rb_notes",
        &["id"],
        vec![
            column("id", SqlType::Integer),
            optional("parent_id", SqlType::Integer),
        ],
    );
    t.foreign_keys
        .push(fk(&["parent_id"], "rb_parents", &["id"], Action::SetNull));
    t
}

const PARENT_ROWS: &str = "SELECT id, name, CAST(score AS TEXT) FROM rb_parents ORDER BY id";
const CHILD_ROWS: &str = "SELECT id, parent_id, label FROM rb_children ORDER BY id";
const NOTE_ROWS: &str = "SELECT id, parent_id FROM rb_notes ORDER BY id";

fn parent_rebuild(name: &str, change: impl Fn(&mut Table) -> Result<(), String>) -> TestResult {
    let dir = TempDir::new(name);
    let conn = database()?;
    let v1 = Schema::new([parents(), children(), notes()])?;
    let (first, _) = next(&dir, &v1, "initial", DEFAULT)?;
    apply(&conn, &first, Direction::Up)?;
    conn.execute_batch(
        "INSERT INTO rb_parents (id, name, score) VALUES (1, 'one', 10), (2, 'two', 20), (3, 'three', 30);
         INSERT INTO rb_children (id, parent_id, label) VALUES
             (1, 1, 'a'), (2, 1, 'b'), (3, 2, 'c'), (4, 2, 'd'), (5, 3, 'e'), (6, 3, 'f');
         INSERT INTO rb_notes (id, parent_id) VALUES (1, 1), (2, 2), (3, NULL);",
    )?;
    let before = (
        rows(&conn, PARENT_ROWS)?,
        rows(&conn, CHILD_ROWS)?,
        rows(&conn, NOTE_ROWS)?,
    );

    let mut changed = parents();
    change(&mut changed)?;
    let v2 = Schema::new([changed, children(), notes()])?;
    let (migration, ops) = next(&dir, &v2, "change parents", DEFAULT)?;
    assert_rebuilds(&ops, "rb_parents");
    assert!(migration.foreign_keys_off, "{}", migration.to_text());

    apply(&conn, &migration, Direction::Up)?;
    assert!(foreign_keys_on(&conn)?);
    assert_schema(&conn, &v2)?;
    let after = (
        rows(&conn, PARENT_ROWS)?,
        rows(&conn, CHILD_ROWS)?,
        rows(&conn, NOTE_ROWS)?,
    );
    assert_eq!(after, before, "{name}: rows changed by the up part");

    apply(&conn, &migration, Direction::Down)?;
    assert!(foreign_keys_on(&conn)?);
    assert_schema(&conn, &v1)?;
    let back = (
        rows(&conn, PARENT_ROWS)?,
        rows(&conn, CHILD_ROWS)?,
        rows(&conn, NOTE_ROWS)?,
    );
    assert_eq!(back, before, "{name}: rows changed by the down part");

    // The children still point at the (twice rebuilt) parent table.
    conn.execute("DELETE FROM rb_parents WHERE id = 1", [])?;
    assert_eq!(
        rows(&conn, CHILD_ROWS)?,
        [
            ["Integer(3)", "Integer(2)", "Text(\"c\")"],
            ["Integer(4)", "Integer(2)", "Text(\"d\")"],
            ["Integer(5)", "Integer(3)", "Text(\"e\")"],
            ["Integer(6)", "Integer(3)", "Text(\"f\")"],
        ]
    );
    assert_eq!(
        rows(&conn, NOTE_ROWS)?,
        [
            ["Integer(1)", "Null"],
            ["Integer(2)", "Integer(2)"],
            ["Integer(3)", "Null"],
        ]
    );
    Ok(())
}

#[test]
fn children_survive_a_parent_type_change() -> TestResult {
    parent_rebuild("rebuild-parent-type", |t| {
        let score = column_mut(t, "score")?;
        score.sql_type = SqlType::Text;
        score.default = Some("'0'".into());
        Ok(())
    })
}

#[test]
fn children_survive_a_parent_check() -> TestResult {
    parent_rebuild("rebuild-parent-check", |t| {
        t.checks.push("score >= 0".into());
        column_mut(t, "name")?
            .checks
            .push("length(name) > 0".into());
        Ok(())
    })
}

#[test]
fn children_survive_a_parent_default_change() -> TestResult {
    parent_rebuild("rebuild-parent-default", |t| {
        column_mut(t, "score")?.default = Some("100".into());
        Ok(())
    })
}

#[test]
fn children_survive_a_rebuild_of_parent_and_child_together() -> TestResult {
    let dir = TempDir::new("rebuild-parent-and-child");
    let conn = database()?;
    let v1 = Schema::new([parents(), children(), notes()])?;
    apply(
        &conn,
        &next(&dir, &v1, "initial", DEFAULT)?.0,
        Direction::Up,
    )?;
    conn.execute_batch(
        "INSERT INTO rb_parents (id, name) VALUES (1, 'one'), (2, 'two');
         INSERT INTO rb_children (id, parent_id, label) VALUES (1, 1, 'a'), (2, 2, 'b');",
    )?;
    let before = rows(&conn, CHILD_ROWS)?;
    let mut p = parents();
    p.checks.push("score >= 0".into());
    let mut c = children();
    c.checks.push("length(label) < 100".into());
    let v2 = Schema::new([p, c, notes()])?;
    let (migration, ops) = next(&dir, &v2, "checks", DEFAULT)?;
    assert_rebuilds(&ops, "rb_parents");
    assert_rebuilds(&ops, "rb_children");
    apply(&conn, &migration, Direction::Up)?;
    assert_schema(&conn, &v2)?;
    assert_eq!(rows(&conn, CHILD_ROWS)?, before);
    apply(&conn, &migration, Direction::Down)?;
    assert_schema(&conn, &v1)?;
    assert_eq!(rows(&conn, CHILD_ROWS)?, before);
    Ok(())
}

// --- (b) triggers, views and indexes --------------------------------------

fn items(extra_check: bool) -> Table {
    let mut t = table(
        "rb_items",
        &["id"],
        vec![
            column("id", SqlType::Integer),
            column("name", SqlType::Text),
            defaulted("qty", SqlType::Integer, "0"),
            optional("shelf_id", SqlType::Integer),
        ],
    );
    t.indexes.push(index("ix_rb_items_name", &["name"], false));
    t.indexes.push(index(
        "uq_rb_items_shelf_id_name",
        &["shelf_id", "name"],
        true,
    ));
    if extra_check {
        t.checks.push("qty >= 0".into());
    }
    t
}

fn item_log() -> Table {
    let mut t = table(
        "rb_item_log",
        &["id"],
        vec![
            column("id", SqlType::Integer),
            column("item_id", SqlType::Integer),
            column("what", SqlType::Text),
        ],
    );
    t.primary_key.autoincrement = true;
    t
}

fn shelves() -> Table {
    table(
        "rb_shelves",
        &["id"],
        vec![
            column("id", SqlType::Integer),
            column("label", SqlType::Text),
        ],
    )
}

const ITEM_OBJECTS: &str = "\
-- stillroom migration
-- revision: 0002_item_objects
-- parent: 0001_initial
-- message: triggers and a view, by hand

-- migrate:up
CREATE TRIGGER rb_items_audit AFTER INSERT ON rb_items
BEGIN
    INSERT INTO rb_item_log (item_id, what) VALUES (new.id, 'added ' || new.name);
END;

-- a trigger on another table that writes to rb_items
CREATE TRIGGER rb_shelves_cleared AFTER DELETE ON rb_shelves
BEGIN
    UPDATE rb_items SET shelf_id = NULL WHERE shelf_id = old.id;
END;

CREATE VIEW rb_item_names AS SELECT i.id, i.name, s.label FROM rb_items AS i LEFT JOIN rb_shelves AS s ON s.id = i.shelf_id;

-- migrate:down
DROP VIEW rb_item_names;
DROP TRIGGER rb_shelves_cleared;
DROP TRIGGER rb_items_audit;
";

/// The indexes, triggers and views of the schema, as stored.
fn objects(conn: &Connection) -> rusqlite::Result<Vec<SchemaRow>> {
    Ok(schema_dump(conn)?
        .into_iter()
        .filter(|(kind, name, ..)| kind != "table" && !name.starts_with("sqlite_"))
        .collect())
}

#[test]
fn triggers_views_and_indexes_survive_a_rebuild() -> TestResult {
    let dir = TempDir::new("rebuild-objects");
    let conn = database()?;
    let v1 = Schema::new([items(false), item_log(), shelves()])?;
    let (first, _) = next(&dir, &v1, "initial", DEFAULT)?;
    apply(&conn, &first, Direction::Up)?;
    let by_hand = dir.join("0002_item_objects.sql");
    fs::write(&by_hand, ITEM_OBJECTS)?;
    let by_hand = Migration::parse(ITEM_OBJECTS, &by_hand)?;
    apply(&conn, &by_hand, Direction::Up)?;
    conn.execute_batch(
        "INSERT INTO rb_shelves (id, label) VALUES (1, 'top'), (2, 'bottom');
         INSERT INTO rb_items (id, name, qty, shelf_id) VALUES (1, 'bolt', 5, 1), (2, 'nut', 7, 2), (3, 'gear', 1, 2);",
    )?;
    let objects_before = objects(&conn)?;
    assert_eq!(objects_before.len(), 5, "{objects_before:?}");
    let log_before = rows(
        &conn,
        "SELECT id, item_id, what FROM rb_item_log ORDER BY id",
    )?;
    assert_eq!(log_before.len(), 3);

    let v2 = Schema::new([items(true), item_log(), shelves()])?;
    let (migration, ops) = next(&dir, &v2, "qty not negative", DEFAULT)?;
    assert_rebuilds(&ops, "rb_items");
    apply(&conn, &migration, Direction::Up)?;
    assert_schema(&conn, &v2)?;
    // Every index, trigger and view is there, exactly as it was.
    assert_eq!(objects(&conn)?, objects_before);
    // The rebuild's copy of the rows did not fire the insert trigger.
    assert_eq!(
        rows(
            &conn,
            "SELECT id, item_id, what FROM rb_item_log ORDER BY id"
        )?,
        log_before
    );
    // The triggers still fire; the view still reads the rebuilt table.
    conn.execute_batch(
        "INSERT INTO rb_items (id, name, qty, shelf_id) VALUES (4, 'cog', 2, 1);
         DELETE FROM rb_shelves WHERE id = 2;",
    )?;
    assert_eq!(
        rows(
            &conn,
            "SELECT what FROM rb_item_log ORDER BY id DESC LIMIT 1"
        )?,
        [["Text(\"added cog\")"]]
    );
    assert_eq!(
        rows(
            &conn,
            "SELECT id, name, label FROM rb_item_names ORDER BY id"
        )?,
        [
            ["Integer(1)", "Text(\"bolt\")", "Text(\"top\")"],
            ["Integer(2)", "Text(\"nut\")", "Null"],
            ["Integer(3)", "Text(\"gear\")", "Null"],
            ["Integer(4)", "Text(\"cog\")", "Text(\"top\")"],
        ]
    );
    // The indexes are in use and still enforce what they did.
    let plan: Vec<String> = conn
        .prepare("EXPLAIN QUERY PLAN SELECT id FROM rb_items WHERE name = 'nut'")?
        .query_map([], |r| r.get(3))?
        .collect::<rusqlite::Result<_>>()?;
    let plan = plan.join(" | ");
    assert!(plan.contains("ix_rb_items_name"), "{plan}");
    let duplicate = conn.execute(
        "INSERT INTO rb_items (id, name, shelf_id) VALUES (5, 'cog', 1)",
        [],
    );
    assert!(duplicate.is_err(), "the unique index was lost");

    apply(&conn, &migration, Direction::Down)?;
    assert_schema(&conn, &v1)?;
    assert_eq!(objects(&conn)?, objects_before);
    conn.execute("INSERT INTO rb_items (id, name) VALUES (6, 'pin')", [])?;
    assert_eq!(
        rows(
            &conn,
            "SELECT what FROM rb_item_log ORDER BY id DESC LIMIT 1"
        )?,
        [["Text(\"added pin\")"]]
    );
    Ok(())
}

// --- (c) the AUTOINCREMENT counter ----------------------------------------

fn events(default_kind: &str) -> Table {
    let mut t = table(
        "rb_events",
        &["id"],
        vec![
            column("id", SqlType::Integer),
            defaulted("kind", SqlType::Text, default_kind),
        ],
    );
    t.primary_key.autoincrement = true;
    t
}

#[test]
fn the_autoincrement_counter_survives_a_rebuild() -> TestResult {
    let dir = TempDir::new("rebuild-autoincrement");
    let conn = database()?;
    let v1 = Schema::new([events("'info'")])?;
    apply(
        &conn,
        &next(&dir, &v1, "initial", DEFAULT)?.0,
        Direction::Up,
    )?;
    for _ in 0..5 {
        conn.execute("INSERT INTO rb_events DEFAULT VALUES", [])?;
    }
    conn.execute("DELETE FROM rb_events WHERE id IN (4, 5)", [])?;

    let v2 = Schema::new([events("'debug'")])?;
    let (migration, ops) = next(&dir, &v2, "debug by default", DEFAULT)?;
    assert_rebuilds(&ops, "rb_events");
    apply(&conn, &migration, Direction::Up)?;
    assert_schema(&conn, &v2)?;
    conn.execute("INSERT INTO rb_events DEFAULT VALUES", [])?;
    assert_eq!(conn.last_insert_rowid(), 6);
    assert_eq!(
        rows(&conn, "SELECT id, kind FROM rb_events ORDER BY id")?,
        [
            ["Integer(1)", "Text(\"info\")"],
            ["Integer(2)", "Text(\"info\")"],
            ["Integer(3)", "Text(\"info\")"],
            ["Integer(6)", "Text(\"debug\")"],
        ]
    );
    // One counter, under the table's own name; none left for the temporary table.
    assert_eq!(
        rows(&conn, "SELECT name, seq FROM sqlite_sequence ORDER BY name")?,
        [["Text(\"rb_events\")", "Integer(6)"]]
    );

    conn.execute("DELETE FROM rb_events WHERE id = 6", [])?;
    apply(&conn, &migration, Direction::Down)?;
    assert_schema(&conn, &v1)?;
    conn.execute("INSERT INTO rb_events DEFAULT VALUES", [])?;
    assert_eq!(conn.last_insert_rowid(), 7);
    Ok(())
}

// --- (d) a rebuild that would break a foreign key -------------------------

fn owners() -> Table {
    let mut t = table(
        "rb_owners",
        &["id"],
        vec![
            column("id", SqlType::Integer),
            column("code", SqlType::Integer),
        ],
    );
    t.indexes.push(index("uq_rb_owners_code", &["code"], true));
    t
}

fn pets(references: &str) -> Table {
    let mut t = table(
        "rb_pets",
        &["id"],
        vec![
            column("id", SqlType::Integer),
            column("owner_id", SqlType::Integer),
            column("name", SqlType::Text),
        ],
    );
    t.foreign_keys.push(fk(
        &["owner_id"],
        "rb_owners",
        &[references],
        Action::Cascade,
    ));
    t
}

type Snapshot = (Vec<SchemaRow>, Vec<Vec<String>>, Vec<Vec<String>>);

fn snapshot(conn: &Connection) -> Result<Snapshot, Box<dyn Error>> {
    Ok((
        schema_dump(conn)?,
        rows(conn, "SELECT * FROM rb_owners ORDER BY id")?,
        rows(conn, "SELECT * FROM rb_pets ORDER BY id")?,
    ))
}

/// A database at the first revision of `owners` and `pets`, with rows.
fn owners_and_pets(dir: &TempDir) -> Result<Connection, Box<dyn Error>> {
    let conn = database()?;
    let v1 = Schema::new([owners(), pets("id")])?;
    apply(&conn, &next(dir, &v1, "initial", DEFAULT)?.0, Direction::Up)?;
    conn.execute_batch(
        "INSERT INTO rb_owners (id, code) VALUES (1, 100), (2, 200);
         INSERT INTO rb_pets (id, owner_id, name) VALUES (1, 1, 'rex'), (2, 2, 'tom'), (3, 2, 'kit');",
    )?;
    Ok(conn)
}

#[test]
fn a_rebuild_that_breaks_a_foreign_key_changes_nothing() -> TestResult {
    let dir = TempDir::new("rebuild-broken-fk");
    let conn = owners_and_pets(&dir)?;
    let before = snapshot(&conn)?;

    // The pets now reference owners by code, which their values are not.
    let v2 = Schema::new([owners(), pets("code")])?;
    let (migration, ops) = next(&dir, &v2, "pets by owner code", DEFAULT)?;
    assert_rebuilds(&ops, "rb_pets");
    let err = apply(&conn, &migration, Direction::Up)
        .err()
        .ok_or("the migration broke foreign keys and still committed")?;
    assert!(err.to_string().contains("broken foreign keys"), "{err}");
    assert_eq!(snapshot(&conn)?, before);
    assert!(foreign_keys_on(&conn)?);
    // Nothing half-done is left: no temporary table, no open transaction.
    assert!(conn.is_autocommit());
    Ok(())
}

#[test]
fn orphans_from_before_make_a_rebuild_fail_and_change_nothing() -> TestResult {
    let dir = TempDir::new("rebuild-orphans");
    let conn = owners_and_pets(&dir)?;
    conn.execute_batch(
        "PRAGMA foreign_keys = OFF;
         INSERT INTO rb_pets (id, owner_id, name) VALUES (4, 99, 'stray');
         PRAGMA foreign_keys = ON;",
    )?;
    let before = snapshot(&conn)?;

    let mut checked = pets("id");
    column_mut(&mut checked, "name")?
        .checks
        .push("name <> ''".into());
    let v2 = Schema::new([owners(), checked])?;
    let (migration, _) = next(&dir, &v2, "names not empty", DEFAULT)?;
    assert!(migration.foreign_keys_off);
    let err = apply(&conn, &migration, Direction::Up)
        .err()
        .ok_or("foreign_key_check did not stop the migration")?;
    assert!(err.to_string().contains("rb_pets"), "{err}");
    assert_eq!(snapshot(&conn)?, before);
    assert!(foreign_keys_on(&conn)?);
    assert!(conn.is_autocommit());
    Ok(())
}

#[test]
fn a_rebuild_that_fails_on_a_row_changes_nothing() -> TestResult {
    let dir = TempDir::new("rebuild-failing-row");
    let conn = owners_and_pets(&dir)?;
    let before = snapshot(&conn)?;
    // A new NOT NULL column without a default: allowed, and fails on rows.
    let mut grown = pets("id");
    grown.columns.push(column("species", SqlType::Text));
    let v2 = Schema::new([owners(), grown])?;
    let (migration, _) = next(&dir, &v2, "species", LOSSY)?;
    assert!(!migration.data_loss.is_empty());
    let err = apply(&conn, &migration, Direction::Up)
        .err()
        .ok_or("rows without a value were copied into a NOT NULL column")?;
    assert!(err.to_string().contains("NOT NULL"), "{err}");
    assert_eq!(snapshot(&conn)?, before);
    assert!(foreign_keys_on(&conn)?);
    Ok(())
}

// --- (e) renames keep data ------------------------------------------------

fn people() -> Table {
    table(
        "rb_people",
        &["id"],
        vec![
            column("id", SqlType::Integer),
            column("name", SqlType::Text),
            optional("nickname", SqlType::Text),
            column("age", SqlType::Integer),
        ],
    )
}

fn cards(parent: &str) -> Table {
    let mut t = table(
        "rb_cards",
        &["id"],
        vec![
            column("id", SqlType::Integer),
            column("person_id", SqlType::Integer),
        ],
    );
    t.foreign_keys
        .push(fk(&["person_id"], parent, &["id"], Action::Cascade));
    t
}

const PEOPLE: &str = "INSERT INTO rb_people (id, name, nickname, age) VALUES
    (1, 'Ada', 'countess', 36), (2, 'Alan', NULL, 41), (3, 'Grace', NULL, 85);
    INSERT INTO rb_cards (id, person_id) VALUES (1, 1), (2, 2), (3, 3);";

#[test]
fn renamed_columns_and_tables_keep_their_values() -> TestResult {
    let dir = TempDir::new("rebuild-renames");
    let conn = database()?;
    let v1 = Schema::new([people(), cards("rb_people")])?;
    apply(
        &conn,
        &next(&dir, &v1, "initial", DEFAULT)?.0,
        Direction::Up,
    )?;
    conn.execute_batch(PEOPLE)?;

    let mut persons = people();
    persons.name = "rb_persons".into();
    persons.renamed_from = Some("rb_people".into());
    let name = column_mut(&mut persons, "name")?;
    name.name = "full_name".into();
    name.renamed_from = Some("name".into());
    let v2 = Schema::new([persons, cards("rb_persons")])?;
    let (migration, ops) = next(&dir, &v2, "persons", DEFAULT)?;
    assert_eq!(
        ops.iter().map(ToString::to_string).collect::<Vec<_>>(),
        [
            "rename table `rb_people` to `rb_persons`",
            "rename column `rb_persons.name` to `full_name`",
        ]
    );
    assert!(migration.data_loss.is_empty());
    apply(&conn, &migration, Direction::Up)?;
    assert_schema(&conn, &v2)?;
    assert_eq!(
        rows(
            &conn,
            "SELECT id, full_name, nickname, age FROM rb_persons ORDER BY id"
        )?,
        [
            [
                "Integer(1)",
                "Text(\"Ada\")",
                "Text(\"countess\")",
                "Integer(36)"
            ],
            ["Integer(2)", "Text(\"Alan\")", "Null", "Integer(41)"],
            ["Integer(3)", "Text(\"Grace\")", "Null", "Integer(85)"],
        ]
    );
    // The child's foreign key followed the rename.
    conn.execute("DELETE FROM rb_persons WHERE id = 3", [])?;
    assert_eq!(value::<i64>(&conn, "SELECT count(*) FROM rb_cards")?, 2);

    apply(&conn, &migration, Direction::Down)?;
    assert_schema(&conn, &v1)?;
    assert_eq!(
        rows(&conn, "SELECT id, name FROM rb_people ORDER BY id")?,
        [
            ["Integer(1)", "Text(\"Ada\")"],
            ["Integer(2)", "Text(\"Alan\")"],
        ]
    );
    Ok(())
}

#[test]
fn a_rename_inside_a_rebuild_keeps_its_values() -> TestResult {
    let dir = TempDir::new("rebuild-rename-in-rebuild");
    let conn = database()?;
    let v1 = Schema::new([people(), cards("rb_people")])?;
    apply(
        &conn,
        &next(&dir, &v1, "initial", DEFAULT)?.0,
        Direction::Up,
    )?;
    conn.execute_batch(PEOPLE)?;

    // `age` becomes `age_text` TEXT: a rename and a (lossless) type change.
    let mut changed = people();
    let age = column_mut(&mut changed, "age")?;
    age.name = "age_text".into();
    age.renamed_from = Some("age".into());
    age.sql_type = SqlType::Text;
    let v2 = Schema::new([changed, cards("rb_people")])?;
    let (migration, ops) = next(&dir, &v2, "age as text", DEFAULT)?;
    assert_rebuilds(&ops, "rb_people");
    apply(&conn, &migration, Direction::Up)?;
    assert_schema(&conn, &v2)?;
    assert_eq!(
        rows(&conn, "SELECT id, age_text FROM rb_people ORDER BY id")?,
        [
            ["Integer(1)", "Text(\"36\")"],
            ["Integer(2)", "Text(\"41\")"],
            ["Integer(3)", "Text(\"85\")"],
        ]
    );
    apply(&conn, &migration, Direction::Down)?;
    assert_schema(&conn, &v1)?;
    assert_eq!(
        rows(&conn, "SELECT id, age FROM rb_people ORDER BY id")?,
        [
            ["Integer(1)", "Integer(36)"],
            ["Integer(2)", "Integer(41)"],
            ["Integer(3)", "Integer(85)"],
        ]
    );
    assert_eq!(value::<i64>(&conn, "SELECT count(*) FROM rb_cards")?, 3);
    Ok(())
}

#[test]
fn a_column_made_not_null_takes_its_default_where_it_was_null() -> TestResult {
    let dir = TempDir::new("rebuild-not-null-default");
    let conn = database()?;
    let v1 = Schema::new([people(), cards("rb_people")])?;
    apply(
        &conn,
        &next(&dir, &v1, "initial", DEFAULT)?.0,
        Direction::Up,
    )?;
    conn.execute_batch(PEOPLE)?;

    let mut changed = people();
    *column_mut(&mut changed, "nickname")? = defaulted("nickname", SqlType::Text, "'none'");
    let v2 = Schema::new([changed, cards("rb_people")])?;
    let (migration, ops) = next(&dir, &v2, "nicknames", LOSSY)?;
    assert_rebuilds(&ops, "rb_people");
    assert_eq!(
        migration.data_loss,
        ["makes `rb_people.nickname` NOT NULL: its NULLs become 'none'"]
    );
    apply(&conn, &migration, Direction::Up)?;
    assert_schema(&conn, &v2)?;
    assert_eq!(
        rows(&conn, "SELECT id, nickname FROM rb_people ORDER BY id")?,
        [
            ["Integer(1)", "Text(\"countess\")"],
            ["Integer(2)", "Text(\"none\")"],
            ["Integer(3)", "Text(\"none\")"],
        ]
    );
    assert_eq!(value::<i64>(&conn, "SELECT count(*) FROM rb_cards")?, 3);
    apply(&conn, &migration, Direction::Down)?;
    assert_schema(&conn, &v1)?;
    conn.execute(
        "INSERT INTO rb_people (id, name, age) VALUES (4, 'Edsger', 72)",
        [],
    )?;
    assert_eq!(
        value::<Option<String>>(&conn, "SELECT nickname FROM rb_people WHERE id = 4")?,
        None
    );
    Ok(())
}

// --- (f) a primary key grows a column -------------------------------------

fn availability(with_site: bool) -> Table {
    let mut columns = vec![
        column("slug", SqlType::Text),
        column("season", SqlType::Integer),
        column("episode", SqlType::Integer),
        column("available", SqlType::Integer),
        optional("checked_at", SqlType::Text),
    ];
    let mut key = vec!["slug", "season", "episode"];
    if with_site {
        columns.push(defaulted("site", SqlType::Text, "'aniworld.to'"));
        key.push("site");
    }
    let mut t = table("rb_episode_availability", &key, columns);
    t.indexes.push(index(
        "ix_rb_episode_availability_slug_season",
        &["slug", "season"],
        false,
    ));
    t
}

const AVAILABILITY: &str = "SELECT slug, season, episode, available, checked_at, site FROM rb_episode_availability ORDER BY slug, season, episode, site";

#[test]
fn a_primary_key_grows_a_column_with_a_default() -> TestResult {
    let dir = TempDir::new("rebuild-primary-key");
    let conn = database()?;
    let v1 = Schema::new([availability(false)])?;
    apply(
        &conn,
        &next(&dir, &v1, "initial", DEFAULT)?.0,
        Direction::Up,
    )?;
    conn.execute_batch(
        "INSERT INTO rb_episode_availability (slug, season, episode, available, checked_at) VALUES
            ('frieren', 1, 1, 1, '2026-11-01'), ('frieren', 1, 2, 0, NULL), ('dandadan', 2, 5, 1, '2026-11-20');",
    )?;

    let v2 = Schema::new([availability(true)])?;
    let (migration, ops) = next(&dir, &v2, "site in key", DEFAULT)?;
    assert_rebuilds(&ops, "rb_episode_availability");
    assert!(migration.data_loss.is_empty());
    apply(&conn, &migration, Direction::Up)?;
    assert_schema(&conn, &v2)?;
    let live = introspect(&conn)?;
    let key = &live
        .schema
        .table("rb_episode_availability")
        .ok_or("table gone")?
        .primary_key
        .columns;
    assert_eq!(key, &["slug", "season", "episode", "site"]);
    let backfilled = rows(&conn, AVAILABILITY)?;
    assert_eq!(
        backfilled,
        [
            [
                "Text(\"dandadan\")",
                "Integer(2)",
                "Integer(5)",
                "Integer(1)",
                "Text(\"2026-11-20\")",
                "Text(\"aniworld.to\")"
            ],
            [
                "Text(\"frieren\")",
                "Integer(1)",
                "Integer(1)",
                "Integer(1)",
                "Text(\"2026-11-01\")",
                "Text(\"aniworld.to\")"
            ],
            [
                "Text(\"frieren\")",
                "Integer(1)",
                "Integer(2)",
                "Integer(0)",
                "Null",
                "Text(\"aniworld.to\")"
            ],
        ]
    );

    // Down and up again: the same rows.
    apply(&conn, &migration, Direction::Down)?;
    assert_schema(&conn, &v1)?;
    assert_eq!(
        value::<i64>(&conn, "SELECT count(*) FROM rb_episode_availability")?,
        3
    );
    apply(&conn, &migration, Direction::Up)?;
    assert_eq!(rows(&conn, AVAILABILITY)?, backfilled);

    // The same episode on another site is a new row now.
    conn.execute(
        "INSERT INTO rb_episode_availability (slug, season, episode, available, site) VALUES ('frieren', 1, 1, 0, 's.to')",
        [],
    )?;
    let duplicate = conn.execute(
        "INSERT INTO rb_episode_availability (slug, season, episode, available) VALUES ('frieren', 1, 1, 0)",
        [],
    );
    assert!(duplicate.is_err(), "the new key does not hold");
    Ok(())
}

// --- more objects around rebuilds and renames -----------------------------

#[test]
fn a_view_over_a_view_of_a_rebuilt_table_survives() -> TestResult {
    let dir = TempDir::new("rebuild-view-chain");
    let conn = database()?;
    let v1 = Schema::new([shelves()])?;
    let (first, _) = next(&dir, &v1, "initial", DEFAULT)?;
    apply(&conn, &first, Direction::Up)?;
    let views = "-- stillroom migration\n-- revision: 0002_views\n-- parent: 0001_initial\n-- message: views\n\n-- migrate:up\nCREATE VIEW rb_shelf_labels AS SELECT id, label FROM rb_shelves;\nCREATE VIEW rb_shelf_labels_upper AS SELECT id, upper(label) AS label FROM rb_shelf_labels;\n\n-- migrate:down\nDROP VIEW rb_shelf_labels_upper;\nDROP VIEW rb_shelf_labels;\n";
    let path = dir.join("0002_views.sql");
    fs::write(&path, views)?;
    apply(&conn, &Migration::parse(views, &path)?, Direction::Up)?;
    conn.execute("INSERT INTO rb_shelves (id, label) VALUES (1, 'top')", [])?;
    let before = objects(&conn)?;

    let mut changed = shelves();
    changed.checks.push("label <> ''".into());
    let v2 = Schema::new([changed])?;
    let (migration, _) = next(&dir, &v2, "labels not empty", DEFAULT)?;
    apply(&conn, &migration, Direction::Up)?;
    assert_eq!(objects(&conn)?, before);
    assert_eq!(
        rows(&conn, "SELECT id, label FROM rb_shelf_labels_upper")?,
        [["Integer(1)", "Text(\"TOP\")"]]
    );
    Ok(())
}

#[test]
fn a_table_renamed_and_rebuilt_keeps_rows_triggers_and_counter() -> TestResult {
    let dir = TempDir::new("rebuild-rename-and-rebuild");
    let conn = database()?;
    let v1 = Schema::new([events("'info'"), event_log()])?;
    apply(
        &conn,
        &next(&dir, &v1, "initial", DEFAULT)?.0,
        Direction::Up,
    )?;
    let trigger = "-- stillroom migration\n-- revision: 0002_trigger\n-- parent: 0001_initial\n-- message: trigger\n\n-- migrate:up\nCREATE TRIGGER rb_events_logged AFTER INSERT ON rb_events\nBEGIN\n    INSERT INTO rb_event_log (event_id) VALUES (new.id);\nEND;\n\n-- migrate:down\nDROP TRIGGER rb_events_logged;\n";
    let path = dir.join("0002_trigger.sql");
    fs::write(&path, trigger)?;
    apply(&conn, &Migration::parse(trigger, &path)?, Direction::Up)?;
    for _ in 0..3 {
        conn.execute("INSERT INTO rb_events DEFAULT VALUES", [])?;
    }
    conn.execute("DELETE FROM rb_events WHERE id = 3", [])?;

    let mut renamed = events("'debug'");
    renamed.name = "rb_happenings".into();
    renamed.renamed_from = Some("rb_events".into());
    let v2 = Schema::new([renamed, event_log()])?;
    let (migration, ops) = next(&dir, &v2, "happenings", DEFAULT)?;
    assert_rebuilds(&ops, "rb_happenings");
    apply(&conn, &migration, Direction::Up)?;
    assert_schema(&conn, &v2)?;
    assert_eq!(
        rows(&conn, "SELECT id, kind FROM rb_happenings ORDER BY id")?,
        [
            ["Integer(1)", "Text(\"info\")"],
            ["Integer(2)", "Text(\"info\")"],
        ]
    );
    conn.execute("INSERT INTO rb_happenings DEFAULT VALUES", [])?;
    assert_eq!(conn.last_insert_rowid(), 4);
    assert_eq!(
        rows(&conn, "SELECT event_id FROM rb_event_log ORDER BY id")?,
        [
            ["Integer(1)"],
            ["Integer(2)"],
            ["Integer(3)"],
            ["Integer(4)"]
        ]
    );

    apply(&conn, &migration, Direction::Down)?;
    assert_schema(&conn, &v1)?;
    conn.execute("INSERT INTO rb_events DEFAULT VALUES", [])?;
    assert_eq!(conn.last_insert_rowid(), 5);
    assert_eq!(value::<i64>(&conn, "SELECT count(*) FROM rb_event_log")?, 5);
    Ok(())
}

/// A log of inserts into `rb_events`, kept by a hand-written trigger.
fn event_log() -> Table {
    let mut t = table(
        "rb_event_log",
        &["id"],
        vec![
            column("id", SqlType::Integer),
            column("event_id", SqlType::Integer),
        ],
    );
    t.primary_key.autoincrement = true;
    t
}

#[test]
fn renaming_a_referenced_column_keeps_the_children_attached() -> TestResult {
    let dir = TempDir::new("rebuild-rename-referenced");
    let conn = owners_and_pets(&dir)?;
    // First point the pets at the owners' codes (a rebuild), with matching rows.
    conn.execute_batch("UPDATE rb_owners SET code = id;")?;
    let v2 = Schema::new([owners(), pets("code")])?;
    apply(
        &conn,
        &next(&dir, &v2, "pets by code", DEFAULT)?.0,
        Direction::Up,
    )?;

    let mut renamed = owners();
    let code = column_mut(&mut renamed, "code")?;
    code.name = "owner_code".into();
    code.renamed_from = Some("code".into());
    renamed.indexes = vec![index("uq_rb_owners_code", &["owner_code"], true)];
    let v3 = Schema::new([renamed, pets("owner_code")])?;
    let (migration, ops) = next(&dir, &v3, "owner code", DEFAULT)?;
    assert_eq!(
        ops.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["rename column `rb_owners.code` to `owner_code`"]
    );
    apply(&conn, &migration, Direction::Up)?;
    assert_schema(&conn, &v3)?;
    conn.execute("DELETE FROM rb_owners WHERE owner_code = 2", [])?;
    assert_eq!(
        rows(&conn, "SELECT id, owner_id FROM rb_pets ORDER BY id")?,
        [["Integer(1)", "Integer(1)"]]
    );
    apply(&conn, &migration, Direction::Down)?;
    assert_schema(&conn, &v2)?;
    Ok(())
}

fn labelled(name: &str, check: bool) -> Table {
    let mut t = table(
        name,
        &["id"],
        vec![
            column("id", SqlType::Integer),
            column("name", SqlType::Text),
        ],
    );
    if check {
        t.checks.push("length(name) > 0".into());
    }
    t
}

#[test]
fn a_column_rename_does_not_respell_views_of_other_tables() -> TestResult {
    let dir = TempDir::new("rebuild-respell-scope");
    let conn = database()?;
    let v1 = Schema::new([labelled("rb_a", false), labelled("rb_b", false)])?;
    apply(
        &conn,
        &next(&dir, &v1, "initial", DEFAULT)?.0,
        Direction::Up,
    )?;
    let view = "-- stillroom migration\n-- revision: 0002_view\n-- parent: 0001_initial\n-- message: view\n\n-- migrate:up\nCREATE VIEW rb_b_names AS SELECT id, name FROM rb_b;\n\n-- migrate:down\nDROP VIEW rb_b_names;\n";
    let path = dir.join("0002_view.sql");
    fs::write(&path, view)?;
    apply(&conn, &Migration::parse(view, &path)?, Direction::Up)?;
    conn.execute_batch("INSERT INTO rb_a VALUES (1, 'a'); INSERT INTO rb_b VALUES (1, 'b');")?;

    let mut a = labelled("rb_a", false);
    let name = column_mut(&mut a, "name")?;
    name.name = "title".into();
    name.renamed_from = Some("name".into());
    let v2 = Schema::new([a, labelled("rb_b", true)])?;
    let (migration, _) = next(&dir, &v2, "title and check", DEFAULT)?;
    apply(&conn, &migration, Direction::Up)?;
    assert_eq!(
        rows(&conn, "SELECT id, name FROM rb_b_names")?,
        [["Integer(1)", "Text(\"b\")"]]
    );
    Ok(())
}
