//! Autogenerate on PostgreSQL: the stored history is replayed in a scratch
//! schema of the server, inside a transaction that is rolled back (so
//! nothing is left behind, even if the process dies), compared with the
//! models, and the new migration tried up and down there before it is
//! written.

use std::path::Path;

use postgres::{Client, GenericClient, Transaction};

use super::backend::run_part;
use super::introspect::{Live, introspect};
use super::render::render;
use super::types::form_schema;
use crate::autogenerate::diff::{DiffOptions, diff_in};
use crate::autogenerate::{GenerateOptions, Generated, with_reverse_hints, write_migration};
use crate::dialect::Dialect;
use crate::history::replay::Direction;
use crate::history::{History, Migration};
use crate::schema::Schema;
use crate::verify::compare::{Difference, compare_in};
use crate::{Error, Result};

/// Generates the migration that takes the schema the PostgreSQL migrations
/// in `dir` produce to `schema`, and writes it as the next revision: what
/// [`stillroom::generate`](crate::generate) does for SQLite. The history is
/// replayed on the server behind `client`, in a scratch schema that is
/// rolled back, so any database the user may create schemas in serves (a
/// development database; nothing in it is touched).
///
/// ```no_run
/// # fn main() -> stillroom::Result<()> {
/// let mut client = stillroom::postgres::connect("postgres://dev@localhost/app_dev")?;
/// let models = stillroom::registry()?;
/// stillroom::postgres::generate(&mut client, "migrations".as_ref(), models, "add notes", Default::default())?;
/// # Ok(())
/// # }
/// ```
pub fn generate(
    client: &mut Client,
    dir: &Path,
    schema: &Schema,
    message: &str,
    options: GenerateOptions,
) -> Result<Generated> {
    if let Some(name) = &options.rust_step
        && let Some(why) = crate::apply::step::bad_name(name)
    {
        return Err(Error::BadTarget { message: why });
    }
    let history = History::read(dir)?;
    history.expect_dialect(Dialect::Postgres)?;
    let models = form_schema(schema)?;
    let mut tx = scratch(client)?;
    let before = replay_in(&mut tx, &history)?;
    if schema.is_empty() && !before.schema.is_empty() && !options.allow_data_loss {
        return Err(Error::NoModels {
            dir: dir.to_owned(),
        });
    }
    let up = diff_in(
        Dialect::Postgres,
        &before.schema,
        &models,
        DiffOptions {
            allow_data_loss: options.allow_data_loss,
            allow_loss_of: options.allow_loss_of.clone(),
        },
    )?;
    if up.is_empty() {
        return Ok(Generated::NothingToDo);
    }
    let notes: String = before
        .unsupported
        .iter()
        .map(|u| format!("-- not compared: {u}\n"))
        .collect();
    let message = message.lines().next().unwrap_or_default().trim();
    let revision = history.next_revision(message)?;
    let mut migration = Migration {
        revision: revision.clone(),
        parent: history.head().map(|m| m.revision.clone()),
        message: message.to_owned(),
        dialect: Dialect::Postgres,
        requires: None,
        foreign_keys_off: false,
        data_loss: up.data_loss.clone(),
        down_data_loss: Vec::new(),
        replaces: Vec::new(),
        up: format!(
            "{notes}{}{}",
            render(&up.ops, &before),
            options
                .rust_step
                .as_ref()
                .map_or_else(String::new, |name| format!("\n-- rust: {name}\n"))
        ),
        down: None,
        path: dir.join(format!("{revision}.sql")),
        lines: (0, 0),
        checksum: String::new(),
        text: Default::default(),
    };
    try_part(&mut tx, &migration, Direction::Up)?;
    let after = introspect(&mut tx)?;
    expect_same(
        &after,
        &models,
        "its up part does not produce the models' schema",
    )?;
    let down = diff_in(
        Dialect::Postgres,
        &after.schema,
        &with_reverse_hints(&before.schema, &up),
        DiffOptions::ALLOW_LOSS,
    )?;
    migration.down = Some(render(&down.ops, &after));
    migration.down_data_loss = down.data_loss;
    try_part(&mut tx, &migration, Direction::Down)?;
    let back = introspect(&mut tx)?;
    expect_same(
        &back,
        &before.schema,
        "its down part does not bring the previous schema back",
    )?;
    tx.rollback()?;
    let migration = write_migration(dir, &migration)?;
    Ok(Generated::Written {
        path: migration.path.clone(),
        migration: Box::new(migration),
        ops: up.ops,
    })
}

/// The CI gate on PostgreSQL: fails when the migrations in `dir` do not
/// produce `schema`, listing every difference (the history is replayed in
/// a scratch schema of the server behind `client`, rolled back).
pub fn check(client: &mut Client, dir: impl AsRef<Path>, schema: &Schema) -> Result<()> {
    let dir = dir.as_ref();
    let history = History::read(dir)?;
    history.expect_dialect(Dialect::Postgres)?;
    let mut tx = scratch(client)?;
    let replayed = replay_in(&mut tx, &history)?;
    tx.rollback()?;
    if schema.is_empty() && !replayed.schema.is_empty() {
        return Err(Error::NoModels {
            dir: dir.to_owned(),
        });
    }
    let d = diff_in(
        Dialect::Postgres,
        &replayed.schema,
        &form_schema(schema)?,
        DiffOptions::ALLOW_LOSS,
    )?;
    if d.is_empty() {
        Ok(())
    } else {
        Err(Error::ModelsChanged {
            dir: dir.to_owned(),
            differences: d.ops.iter().map(ToString::to_string).collect(),
        })
    }
}

/// Every difference between the database behind `client` (its current
/// schema) and `schema`, said from the database's side.
pub fn differences(client: &mut Client, schema: &Schema) -> Result<Vec<Difference>> {
    let mut tx = client.transaction()?;
    let live = introspect(&mut tx)?;
    tx.commit()?;
    Ok(compare_in(
        Dialect::Postgres,
        &live.schema,
        &form_schema(schema)?,
    ))
}

/// Reads the tables of the current schema of the database behind `client`
/// and writes Rust source for them, one `#[derive(stillroom::Model)]`
/// struct each: what [`stillroom::inspect`](crate::inspect) does for
/// SQLite, with each column's Rust type the one whose PostgreSQL type it
/// has (`BIGINT` is `i64`, `TIMESTAMPTZ` `chrono::DateTime<chrono::Utc>`,
/// `UUID` `uuid::Uuid`, `JSONB` `serde_json::Value`, ...). Where no Rust
/// type gives the column's type (`VARCHAR(40)`, `NUMERIC(10, 2)`), the
/// nearest one is chosen with a note saying what adoption does with it.
///
/// ```no_run
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let mut client = stillroom::postgres::connect("postgres://app@localhost/app")?;
/// std::fs::write("src/models.rs", stillroom::postgres::inspect(&mut client)?)?;
/// # Ok(())
/// # }
/// ```
pub fn inspect(client: &mut Client) -> Result<String> {
    let mut tx = client.transaction()?;
    let live = introspect(&mut tx)?;
    tx.rollback()?;
    let live = crate::LiveSchema {
        schema: live.schema,
        unsupported: live.unsupported,
        ..crate::LiveSchema::default()
    };
    Ok(crate::inspect::models_source_in(Dialect::Postgres, &live))
}

/// A transaction whose search path is a new, empty schema: rolling it back
/// removes the schema and everything in it.
pub(crate) fn scratch(client: &mut Client) -> Result<Transaction<'_>> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let name = format!(
        "stillroom_scratch_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let mut tx = client.transaction()?;
    tx.batch_execute(&format!(
        "CREATE SCHEMA \"{name}\"; SET LOCAL search_path TO \"{name}\""
    ))?;
    Ok(tx)
}

/// Runs every up part of `history` (in the scratch schema) and reads what
/// they made.
pub(crate) fn replay_in(tx: &mut impl GenericClient, history: &History) -> Result<Live> {
    for m in &history.migrations {
        if !m.rust_steps(Direction::Up).is_empty() {
            tracing::warn!(revision = %m.revision, "the replay skips Rust steps on PostgreSQL");
        }
        run_part(tx, m, Direction::Up)?;
    }
    introspect(tx)
}

/// Runs a part of a migration not yet written inside a savepoint, mapping
/// its failure to an error that says so.
fn try_part(tx: &mut Transaction<'_>, m: &Migration, direction: Direction) -> Result<()> {
    let mut savepoint = tx.transaction()?;
    run_part(&mut savepoint, m, direction).map_err(|e| Error::GeneratedMigration {
        problem: format!(
            "its {} part failed",
            if direction == Direction::Up {
                "up"
            } else {
                "down"
            }
        ),
        details: vec![e.to_string()],
    })?;
    savepoint.commit()?;
    Ok(())
}

fn expect_same(live: &Live, expected: &Schema, problem: &str) -> Result<()> {
    let d = diff_in(
        Dialect::Postgres,
        &live.schema,
        expected,
        DiffOptions::ALLOW_LOSS,
    )?;
    if d.is_empty() {
        Ok(())
    } else {
        Err(Error::GeneratedMigration {
            problem: problem.to_owned(),
            details: d.ops.iter().map(ToString::to_string).collect(),
        })
    }
}
