//! Autogenerate: from the models and the stored history to a new, reviewed
//! migration file; and `check`, the CI gate.

pub(crate) mod diff;
pub(crate) mod ops;
pub(crate) mod scratch;

use std::fs;
use std::path::{Path, PathBuf};

use self::scratch::Scratch;
use crate::autogenerate::diff::{Diff, DiffOptions, diff_in};
use crate::autogenerate::ops::Op;
use crate::dialect::Dialect;
use crate::dialect::sqlite::scratch::InMemory;
use crate::history::replay::Direction;
use crate::history::{History, Migration};
use crate::schema::Schema;
use crate::{Error, Result};

/// Options for [`generate`].
///
/// ```
/// // Drop `jobs.legacy` (the field is gone), refusing any other loss.
/// let options = stillroom::GenerateOptions {
///     allow_loss_of: vec!["jobs.legacy".into()],
///     ..Default::default()
/// };
/// # let _ = options;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GenerateOptions {
    /// Allow every change that loses data (drops, narrowing type changes,
    /// NOT NULL on existing columns). The file's header lists each loss.
    pub allow_data_loss: bool,
    /// Allow only the losses in these tables (`jobs`) or columns
    /// (`jobs.legacy`); any other loss is still refused. The header lists
    /// each loss.
    pub allow_loss_of: Vec<String>,
    /// A Rust step to run after the up part's statements: the file ends
    /// its up part with `-- rust: NAME` (see [`step`](crate::step)).
    pub rust_step: Option<String>,
}

/// What [`generate`] did.
///
/// ```
/// # fn main() -> stillroom::Result<()> {
/// # let dir = std::env::temp_dir().join(format!("stillroom-doc-generated-{}", std::process::id()));
/// use stillroom::{GenerateOptions, Generated, Model, ModelSet};
///
/// #[derive(Model)]
/// struct Note { #[model(primary_key)] id: i64, body: String }
///
/// let schema = ModelSet::new().with::<Note>().build()?;
/// let generated = stillroom::generate(&dir, &schema, "add notes", GenerateOptions::default())?;
/// let Generated::Written { path, migration, ops } = generated else {
///     panic!("the models had not changed");
/// };
/// assert!(path.ends_with("0001_add_notes.sql"));
/// assert_eq!(migration.down_data_loss, ["drops table `note` and all its rows"]);
/// assert_eq!(ops[0].to_string(), "create table `note`");
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Generated {
    /// The migrations already produce the models' schema; no file written.
    NothingToDo,
    /// A new migration file.
    Written {
        /// Where it was written.
        path: PathBuf,
        /// Its content.
        migration: Box<Migration>,
        /// The operations of its `up` part.
        ops: Vec<Op>,
    },
}

/// Generates the migration that takes the schema the migrations in `dir`
/// produce to `schema` (usually [`registry`](crate::registry)`()?`), and
/// writes it to `dir` as the next revision.
///
/// The stored migrations are replayed on an in-memory database, so
/// hand-written SQL in them counts. Before anything is written, the new
/// migration is tried on that database: its `up` part must produce exactly
/// `schema`, and its `down` part must bring the previous schema back.
/// The same models and history always give the same file, byte for byte.
///
/// ```
/// use stillroom::{generate, GenerateOptions, Generated, Model, ModelSet};
///
/// #[derive(Model)]
/// struct Note { #[model(primary_key)] id: i64, body: String }
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = std::env::temp_dir().join(format!("stillroom-generate-doc-{}", std::process::id()));
/// let schema = ModelSet::new().with::<Note>().build()?;
/// let first = generate(&dir, &schema, "initial", GenerateOptions::default())?;
/// assert!(matches!(first, Generated::Written { .. }));
/// assert_eq!(generate(&dir, &schema, "again", GenerateOptions::default())?, Generated::NothingToDo);
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok(())
/// # }
/// ```
pub fn generate(
    dir: &Path,
    schema: &Schema,
    message: &str,
    options: GenerateOptions,
) -> Result<Generated> {
    generate_with(&mut InMemory::default(), dir, schema, message, options)
}

/// [`generate`] with the history replayed, and the new migration tried, on
/// `scratch` (the dialect's scratch database).
pub(crate) fn generate_with<S: Scratch>(
    scratch: &mut S,
    dir: &Path,
    schema: &Schema,
    message: &str,
    options: GenerateOptions,
) -> Result<Generated> {
    if let Some(name) = &options.rust_step {
        check_step_name(name)?;
    }
    let history = History::read(dir)?;
    history.expect_dialect(S::DIALECT)?;
    let models = scratch.form(schema)?;
    let before = scratch.replay(&history)?;
    // Dropping every table is surely a build that lost its models; with
    // data loss allowed, it may be meant.
    if schema.is_empty() && !S::schema(&before).is_empty() && !options.allow_data_loss {
        return Err(Error::NoModels {
            dir: dir.to_owned(),
        });
    }
    let up = diff_in(
        S::DIALECT,
        S::schema(&before),
        &models,
        DiffOptions {
            allow_data_loss: options.allow_data_loss,
            allow_loss_of: options.allow_loss_of.clone(),
        },
    )?;
    if up.is_empty() {
        return Ok(Generated::NothingToDo);
    }
    let mut up_part = scratch.render(&up.ops, &before);
    if let Some(name) = &options.rust_step {
        up_part.sql.push_str(&format!("\n-- rust: {name}\n"));
    }
    // Say in the file what the comparison could not see.
    let notes: String = S::unsupported(&before)
        .iter()
        .map(|u| format!("-- not compared: {u}\n"))
        .collect();
    up_part.sql.insert_str(0, &notes);
    let message = message.lines().next().unwrap_or_default().trim();
    let revision = history.next_revision(message)?;
    let mut migration = Migration {
        revision: revision.clone(),
        parent: history.head().map(|m| m.revision.clone()),
        message: message.to_owned(),
        dialect: S::DIALECT,
        requires: None,
        foreign_keys_off: up_part.foreign_keys_off,
        data_loss: up.data_loss.clone(),
        down_data_loss: Vec::new(),
        replaces: Vec::new(),
        up: up_part.sql,
        down: None,
        path: dir.join(format!("{revision}.sql")),
        lines: (0, 0),
        checksum: String::new(),
        text: Default::default(),
    };
    try_part(scratch, &migration, Direction::Up)?;
    let after = scratch.introspect()?;
    expect_same::<S>(
        S::schema(&after),
        &models,
        "its up part does not produce the models' schema",
    )?;

    let down = diff_in(
        S::DIALECT,
        S::schema(&after),
        &with_reverse_hints(S::schema(&before), &up),
        DiffOptions::ALLOW_LOSS,
    )?;
    let down_part = scratch.render(&down.ops, &after);
    migration.down = Some(down_part.sql);
    migration.down_data_loss = down.data_loss;
    migration.foreign_keys_off |= down_part.foreign_keys_off;
    migration.requires = up_part
        .requires
        .max(down_part.requires)
        .map(|(a, b, c)| format!("{a}.{b}.{c}"));
    try_part(scratch, &migration, Direction::Down)?;
    let back = scratch.introspect()?;
    expect_same::<S>(
        S::schema(&back),
        S::schema(&before),
        "its down part does not bring the previous schema back",
    )?;

    let migration = write_migration(dir, &migration)?;
    Ok(Generated::Written {
        path: migration.path.clone(),
        migration: Box::new(migration),
        ops: up.ops,
    })
}

/// The CI gate: fails when the migrations in `dir` do not produce `schema`
/// (a model changed and no migration was generated), listing every
/// difference; also fails when `dir` holds an invalid history.
///
/// In a unit test beside the models (an integration test of a binary crate
/// does not link them; that fails with [`Error::NoModels`]):
///
/// ```no_run
/// static MIGRATIONS: stillroom::Migrations = stillroom::embed_migrations!();
///
/// #[test]
/// fn migrations_match_the_models() -> stillroom::Result<()> {
///     stillroom::check(MIGRATIONS.dir(), stillroom::registry()?)
/// }
/// ```
///
/// A failure prints every difference and the command that generates the
/// migration (`stillroom::Error`'s `Debug` is its message).
pub fn check(dir: impl AsRef<Path>, schema: &Schema) -> Result<()> {
    check_with(&mut InMemory::default(), dir.as_ref(), schema)
}

/// [`check`] with the history replayed on `scratch`.
pub(crate) fn check_with<S: Scratch>(scratch: &mut S, dir: &Path, schema: &Schema) -> Result<()> {
    let history = History::read(dir)?;
    history.expect_dialect(S::DIALECT)?;
    let replayed = scratch.replay(&history)?;
    if schema.is_empty() && !S::schema(&replayed).is_empty() {
        return Err(Error::NoModels {
            dir: dir.to_owned(),
        });
    }
    let d = diff_in(
        S::DIALECT,
        S::schema(&replayed),
        &scratch.form(schema)?,
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

/// Runs one part of a migration not yet written, mapping its failure to an
/// error that says so.
fn try_part<S: Scratch>(
    scratch: &mut S,
    migration: &Migration,
    direction: Direction,
) -> Result<()> {
    scratch
        .run(migration, direction)
        .map_err(|e| Error::GeneratedMigration {
            problem: format!(
                "its {} part failed",
                if direction == Direction::Up {
                    "up"
                } else {
                    "down"
                }
            ),
            details: vec![e.to_string()],
        })
}

fn expect_same<S: Scratch>(live: &Schema, expected: &Schema, problem: &str) -> Result<()> {
    let Diff { ops, .. } = diff_in(S::DIALECT, live, expected, DiffOptions::ALLOW_LOSS)?;
    if ops.is_empty() {
        Ok(())
    } else {
        Err(Error::GeneratedMigration {
            problem: problem.to_owned(),
            details: ops.iter().map(ToString::to_string).collect(),
        })
    }
}

/// `previous` with `renamed_from` set on every table and column the `up`
/// operations renamed, so the reverse diff renames them back instead of
/// dropping and adding.
pub(crate) fn with_reverse_hints(previous: &Schema, up: &Diff) -> Schema {
    let mut tables = previous.tables().to_vec();
    let table_named = |tables: &mut Vec<crate::Table>, name: &str| {
        tables
            .iter()
            .position(|t| t.name.eq_ignore_ascii_case(name))
    };
    let mut renamed_to = Vec::new();
    for op in &up.ops {
        if let Op::RenameTable { from, to } = op
            && let Some(i) = table_named(&mut tables, from)
        {
            tables[i].renamed_from = Some(to.clone());
            renamed_to.push((to.clone(), from.clone()));
        }
    }
    // Column operations name the table by its new name.
    let old_name = |new: &str| {
        renamed_to
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(new))
            .map_or(new.to_owned(), |(_, o)| o.clone())
    };
    for op in &up.ops {
        let Op::RenameColumn { table, from, to } = op else {
            continue;
        };
        let Some(i) = table_named(&mut tables, &old_name(table)) else {
            continue;
        };
        if let Some(column) = tables[i]
            .columns
            .iter_mut()
            .find(|c| c.name.eq_ignore_ascii_case(from))
        {
            column.renamed_from = Some(to.clone());
        }
    }
    Schema::from_tables_unchecked(tables)
}

/// Writes an empty migration (the next revision, on top of the head) for
/// SQL written by hand: data backfills, views, triggers.
///
/// ```
/// # fn main() -> stillroom::Result<()> {
/// # #[derive(stillroom::Model)] struct Note { #[model(primary_key)] id: i64, body: String }
/// # let dir = std::env::temp_dir().join(format!("stillroom-doc-empty-revision-{}", std::process::id()));
/// # let schema = stillroom::ModelSet::new().with::<Note>().build()?;
/// # stillroom::generate(&dir, &schema, "initial", Default::default())?;
/// # let history = stillroom::History::read(&dir)?;
/// let path = stillroom::empty_revision(&dir, "backfill note titles")?;
/// assert!(path.ends_with("0002_backfill_note_titles.sql"));
///
/// // Its parts are placeholders to fill in; it is already the new head.
/// let history = stillroom::History::read(&dir)?;
/// let m = &history.migrations[1];
/// assert_eq!(m.parent.as_deref(), Some("0001_initial"));
/// assert!(m.up.starts_with("-- Write the upgrade here"));
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok(())
/// # }
/// ```
pub fn empty_revision(dir: &Path, message: &str) -> Result<PathBuf> {
    hand_written(
        dir,
        message,
        None,
        "-- Write the upgrade here, statements ending in `;`.\n".to_owned(),
        "-- Write what undoes it here.\n",
    )
}

/// [`empty_revision`] for `dialect` (which the first revision of a history
/// decides; the others must agree).
#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
pub(crate) fn empty_revision_in(dir: &Path, message: &str, dialect: Dialect) -> Result<PathBuf> {
    hand_written(
        dir,
        message,
        Some(dialect),
        "-- Write the upgrade here, statements ending in `;`.\n".to_owned(),
        "-- Write what undoes it here.\n",
    )
}

/// Writes the next revision of `dir` with the parts `up` and `down`, for
/// `dialect` (the history's own when `None`; else the history must agree).
fn hand_written(
    dir: &Path,
    message: &str,
    dialect: Option<Dialect>,
    up: String,
    down: &str,
) -> Result<PathBuf> {
    let history = History::read(dir)?;
    let dialect = match dialect {
        Some(dialect) => {
            history.expect_dialect(dialect)?;
            dialect
        }
        None => history.dialect(),
    };
    let message = message.lines().next().unwrap_or_default().trim();
    let revision = history.next_revision(message)?;
    let migration = Migration {
        revision: revision.clone(),
        parent: history.head().map(|m| m.revision.clone()),
        message: message.to_owned(),
        dialect,
        requires: None,
        foreign_keys_off: false,
        data_loss: Vec::new(),
        down_data_loss: Vec::new(),
        replaces: Vec::new(),
        up,
        down: Some(down.to_owned()),
        path: dir.join(format!("{revision}.sql")),
        lines: (0, 0),
        checksum: String::new(),
        text: Default::default(),
    };
    Ok(write_migration(dir, &migration)?.path)
}

/// Writes the next revision with a Rust step: its up part is the line
/// `-- rust: NAME` (SQL may go before or after it), its down part a
/// placeholder. A data migration in Rust, for a change the models do not
/// see.
///
/// ```
/// # fn main() -> stillroom::Result<()> {
/// # let dir = std::env::temp_dir().join(format!("stillroom-doc-step-revision-{}", std::process::id()));
/// let path = stillroom::step_revision(&dir, "recompute totals", "recompute_totals")?;
/// assert!(path.ends_with("0001_recompute_totals.sql"));
/// let m = &stillroom::History::read(&dir)?.migrations[0];
/// assert_eq!(m.rust_steps(stillroom::Direction::Up)[0].name, "recompute_totals");
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok(())
/// # }
/// ```
pub fn step_revision(dir: &Path, message: &str, step: &str) -> Result<PathBuf> {
    step_revision_for(dir, message, step, None)
}

/// [`step_revision`] for `dialect` (the history's own when `None`; else the
/// history must agree).
pub(crate) fn step_revision_for(
    dir: &Path,
    message: &str,
    step: &str,
    dialect: Option<Dialect>,
) -> Result<PathBuf> {
    check_step_name(step)?;
    hand_written(
        dir,
        message,
        dialect,
        format!("-- SQL here runs before the step, SQL after it runs after it.\n-- rust: {step}\n"),
        "-- Write what undoes it here (a `-- rust: NAME` line runs a step here too).\n",
    )
}

fn check_step_name(name: &str) -> Result<()> {
    match crate::apply::step::bad_name(name) {
        Some(why) => Err(Error::BadTarget { message: why }),
        None => Ok(()),
    }
}

/// Writes `migration` into `dir` the safe way: its text goes to a
/// temporary file first and must read back as the same migration, then the
/// file is renamed into place. A text that would not parse (which every
/// later command, the application's start included, would then refuse)
/// is never left in the directory. Returns the migration as read back (its
/// line numbers and checksum as the runner will see them).
pub(crate) fn write_migration(dir: &Path, migration: &Migration) -> Result<Migration> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| Error::Io { path, source }
    };
    fs::create_dir_all(dir).map_err(io(dir))?;
    let text = migration.to_text();
    let partial = migration.path.with_extension("sql.partial");
    fs::write(&partial, &text).map_err(io(&partial))?;
    let read_back = Migration::parse(&text, &migration.path).and_then(|mut m| {
        m.checksum = crate::checksum(&text);
        let same = Migration {
            lines: m.lines,
            checksum: m.checksum.clone(),
            text: m.text.clone(),
            ..migration.clone()
        };
        if m == same {
            Ok(m)
        } else {
            Err(Error::GeneratedMigration {
                problem: "its text does not read back as the same migration".to_owned(),
                details: vec![text.lines().take(12).collect::<Vec<_>>().join("\n    ")],
            })
        }
    });
    let written = match read_back {
        Ok(m) => m,
        Err(e) => {
            let _ = fs::remove_file(&partial);
            return Err(e);
        }
    };
    fs::rename(&partial, &migration.path).map_err(io(&migration.path))?;
    Ok(written)
}
