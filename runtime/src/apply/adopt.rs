//! Adopting a database made before stillroom (tables, no ledger): finding
//! the revision whose schema it has, and converting it to that revision's
//! exact schema when it differs only in how it is declared.
//!
//! Three outcomes, never losing a value:
//! - the database has a revision's schema exactly: it is recorded there;
//! - it has a revision's tables and columns, declared differently (not
//!   STRICT, other type spellings, no CHECKs, other indexes, UNIQUE
//!   constraints): it is recorded there and its tables are rebuilt to that
//!   schema, after checking every stored value fits the new definitions;
//! - no revision has its tables and columns: refused, listing every
//!   difference to the closest revision.

use std::collections::BTreeSet;

use rusqlite::Connection;

use super::Migrator;
use super::fit::{Misfit, misfits};
use crate::autogenerate::diff::{DiffOptions, diff};
use crate::autogenerate::ops::Op;
use crate::dialect::sqlite::introspect::{LiveSchema, introspect};
use crate::dialect::sqlite::render::render;
use crate::dialect::sqlite::runner::apply_parts;
use crate::history::History;
use crate::history::replay::{Direction, replay};
use crate::verify::compare::{Difference, compare};
use crate::{Error, Result};

/// How a database made before stillroom is adopted: the revision whose
/// schema it has, and what converting it to that schema's exact declaration
/// changes. [`Migrator::adoption_plan`] computes one without changing
/// anything; `migrate` and [`Migrator::adopt`] carry it out.
///
/// ```
/// # fn main() -> stillroom::Result<()> {
/// # #[derive(stillroom::Model)] struct Note { #[model(primary_key)] id: i64, body: String }
/// # let dir = std::env::temp_dir().join(format!("stillroom-doc-adoption-{}", std::process::id()));
/// # let schema = stillroom::ModelSet::new().with::<Note>().build()?;
/// # stillroom::generate(&dir, &schema, "initial", Default::default())?;
/// # let history = stillroom::History::read(&dir)?;
/// use stillroom::{Difference, Migrator};
///
/// // A table made before stillroom: the first revision's, but not STRICT.
/// let conn = rusqlite::Connection::open_in_memory()?;
/// conn.execute_batch("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")?;
///
/// let report = Migrator::new(&history).schema(&schema).migrate(&conn)?;
/// let adoption = report.adopted.unwrap();
/// assert_eq!(adoption.revision, "0001_initial");
/// let not_strict = Difference::Strict { table: "note".into(), database: false };
/// assert_eq!(adoption.differences, [not_strict]);
/// assert!(adoption.converts() && adoption.foreign_keys_off);
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Adoption {
    /// The revision the database is at.
    pub revision: String,
    /// How the database's declaration differs from that revision's: each is
    /// removed by the conversion (empty: it is that schema exactly).
    pub differences: Vec<Difference>,
    /// The conversion's statements (empty when there is nothing to
    /// convert): table rebuilds and index changes.
    pub sql: String,
    /// Whether the conversion runs with foreign key enforcement off (a table
    /// rebuild must not cascade), checking every foreign key before commit.
    pub foreign_keys_off: bool,
    /// Parts of the database stillroom does not compare (COLLATE, WITHOUT
    /// ROWID, expression indexes, ...): adopted as they are.
    pub not_compared: Vec<String>,
    /// The number of revisions up to and including `revision`.
    pub(crate) position: usize,
}

impl Adoption {
    /// Whether the database must be converted (it is not the revision's
    /// schema exactly).
    pub fn converts(&self) -> bool {
        !self.sql.is_empty()
    }
}

/// The revisions a database could be adopted at.
enum Found {
    /// The first revision whose schema the database has exactly.
    Exact(usize),
    /// Revisions with the database's tables and columns, fewest differences
    /// first (then the earliest), each with its schema.
    Convertible(Vec<(usize, LiveSchema)>),
    /// None: the revision whose tables and columns are closest.
    Closest(usize),
}

impl Migrator<'_> {
    /// How the database behind `conn` (tables, no ledger) would be adopted,
    /// without changing anything: the revision it is at, what the
    /// conversion changes, and its SQL for review (CLI: `db adopt --sql`).
    ///
    /// Fails when no revision matches ([`Error::AdoptionFailed`]) or when
    /// converting would change or reject stored values
    /// ([`Error::AdoptionBlocked`]).
    ///
    /// ```
    /// # fn main() -> stillroom::Result<()> {
    /// # #[derive(stillroom::Model)] struct Note { #[model(primary_key)] id: i64, body: String }
    /// # let dir = std::env::temp_dir().join(format!("stillroom-doc-adoption-plan-{}", std::process::id()));
    /// # let schema = stillroom::ModelSet::new().with::<Note>().build()?;
    /// # stillroom::generate(&dir, &schema, "initial", Default::default())?;
    /// # let history = stillroom::History::read(&dir)?;
    /// use stillroom::{Against, Migrator};
    ///
    /// let conn = rusqlite::Connection::open_in_memory()?;
    /// conn.execute_batch(
    ///     "CREATE TABLE note (id INTEGER PRIMARY KEY, body VARCHAR(200) NOT NULL)",
    /// )?;
    ///
    /// let plan = Migrator::new(&history).schema(&schema).adoption_plan(&conn)?;
    /// assert_eq!(plan.revision, "0001_initial");
    /// let against = Against::Revision(plan.revision.clone());
    /// let converts: Vec<String> = plan.differences.iter().map(|d| d.describe(&against)).collect();
    /// assert_eq!(converts, [
    ///     "column `note.body`: the database declares VARCHAR(200); revision `0001_initial` declares TEXT",
    ///     "table `note`: the database's table is not STRICT; revision `0001_initial`'s is",
    /// ]);
    /// assert!(plan.sql.contains("CREATE TABLE \"_stillroom_new_note\""));
    /// # std::fs::remove_dir_all(&dir).ok();
    /// # Ok(())
    /// # }
    /// ```
    pub fn adoption_plan(&self, conn: &Connection) -> Result<Adoption> {
        self.history.expect_dialect(crate::Dialect::Sqlite)?;
        self.adoption_plan_inner(conn).map_err(|e| e.at(conn))
    }

    fn adoption_plan_inner(&self, conn: &Connection) -> Result<Adoption> {
        if crate::apply::ledger::exists(conn)? {
            return Err(Error::AlreadyAdopted);
        }
        if !has_user_tables(conn)? || self.history.migrations.is_empty() {
            return Err(Error::NothingToAdopt);
        }
        self.plan(conn)
    }

    /// The script that adopts the database behind `conn` by hand (the
    /// conversion and the ledger's rows), for review: what
    /// [`Migrator::adopt`] would do. Reads the database only.
    pub fn adoption_sql(&self, conn: &Connection) -> Result<String> {
        self.history.expect_dialect(crate::Dialect::Sqlite)?;
        let adoption = self.adoption_plan(conn)?;
        Ok(super::offline::adoption_sql(
            &adoption,
            &self.history.migrations,
        ))
    }

    /// Finds the revision and builds the conversion: the exact revision, or
    /// the first convertible one (fewest differences first) whose stored
    /// values fit; if none fits, the best one's misfits are the error.
    pub(super) fn plan(&self, conn: &Connection) -> Result<Adoption> {
        let live = introspect(conn)?;
        let candidates = match self.find(conn, &live)? {
            Found::Exact(k) => vec![(k, self.schema_at(k)?)],
            Found::Convertible(candidates) => candidates,
            Found::Closest(k) => {
                return Err(Error::AdoptionFailed {
                    closest: self.history.migrations[k - 1].revision.clone(),
                    differences: compare(&live.schema, &self.schema_at(k)?.schema),
                });
            }
        };
        let mut first_error = None;
        for (k, target) in candidates {
            match self.conversion(conn, &live, k, &target) {
                Ok(adoption) => return Ok(adoption),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        Err(first_error.unwrap_or(Error::NothingToAdopt))
    }

    /// The adoption at revision `k` (schema `target`), if every stored
    /// value fits it.
    fn conversion(
        &self,
        conn: &Connection,
        live: &LiveSchema,
        k: usize,
        target: &LiveSchema,
    ) -> Result<Adoption> {
        let revision = self.history.migrations[k - 1].revision.clone();
        let ops = diff(&live.schema, &target.schema, DiffOptions::ALLOW_LOSS)?.ops;
        let unsupported = unsupported_in(live, &ops);
        let misfits = if unsupported.is_empty() {
            misfits(conn, &ops)?
        } else {
            Vec::new()
        };
        if !unsupported.is_empty() || !misfits.is_empty() {
            return Err(Error::AdoptionBlocked {
                revision,
                misfits,
                unsupported,
            });
        }
        let rendered = render(&ops, live);
        Ok(Adoption {
            revision,
            differences: compare(&live.schema, &target.schema),
            sql: rendered.sql,
            foreign_keys_off: rendered.foreign_keys_off,
            not_compared: live.unsupported.clone(),
            position: k,
        })
    }

    /// Replays the history one revision at a time and compares each
    /// revision's tables and columns with the database's (a cheap query),
    /// comparing the whole schema only where those match.
    fn find(&self, conn: &Connection, live: &LiveSchema) -> Result<Found> {
        let live_names = column_names(conn)?;
        let memory = Connection::open_in_memory()?;
        memory.execute_batch("PRAGMA foreign_keys = ON")?;
        let mut convertible: Vec<(usize, usize, LiveSchema)> = Vec::new(); // (differences, k, schema)
        let mut closest: Option<(usize, usize)> = None; // (distance, k)
        for k in 1..=self.history.migrations.len() {
            apply_parts(&memory, &[(&self.history.migrations[k - 1], Direction::Up)])?;
            let names = column_names(&memory)?;
            let distance = names.symmetric_difference(&live_names).count();
            if closest.is_none_or(|(d, _)| distance < d) {
                closest = Some((distance, k));
            }
            if distance > 0 {
                continue;
            }
            let schema = introspect(&memory)?;
            let n = compare(&live.schema, &schema.schema).len();
            if n == 0 {
                return Ok(Found::Exact(k));
            }
            convertible.push((n, k, schema));
        }
        if convertible.is_empty() {
            return Ok(Found::Closest(closest.map_or(1, |(_, k)| k)));
        }
        convertible.sort_by_key(|(n, k, _)| (*n, *k));
        Ok(Found::Convertible(
            convertible.into_iter().map(|(_, k, s)| (k, s)).collect(),
        ))
    }

    /// The schema the first `k` revisions produce.
    fn schema_at(&self, k: usize) -> Result<LiveSchema> {
        let history = History {
            migrations: self.history.migrations[..k].to_vec(),
        };
        Ok(replay(&history)?.schema)
    }
}

/// Runs the conversion's statements (inside the caller's transaction).
pub(super) fn convert(conn: &Connection, adoption: &Adoption) -> Result<()> {
    for statement in crate::dialect::sqlite::sql_text::split_statements(&adoption.sql) {
        conn.execute_batch(statement.sql)
            .map_err(|source| Error::Conversion {
                revision: adoption.revision.clone(),
                sql: statement.sql.to_owned(),
                source,
            })?;
    }
    Ok(())
}

/// What the database has that a rebuild of a converted table would lose
/// (WITHOUT ROWID, COLLATE, generated columns, expression indexes): a
/// conversion must not drop it silently.
fn unsupported_in(live: &LiveSchema, ops: &[Op]) -> Vec<String> {
    let rebuilt: Vec<String> = ops
        .iter()
        .filter_map(|op| match op {
            Op::RebuildTable(r) => Some(r.from.name.to_lowercase()),
            _ => None,
        })
        .collect();
    live.unsupported
        .iter()
        .filter(|u| {
            let u = u.to_lowercase();
            rebuilt
                .iter()
                .any(|t| u.contains(&format!("`{t}`")) || u.contains(&format!("`{t}.")))
        })
        .cloned()
        .collect()
}

pub(super) fn has_user_tables(conn: &Connection) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE 'stillroom\\_%' ESCAPE '\\'",
        )?
        .exists([])?)
}

/// Every `table.column` name of the user's tables, lower-cased, as
/// `introspect` reads them (no virtual or shadow tables, no generated
/// columns): a cheap first comparison before a full one.
fn column_names(conn: &Connection) -> Result<BTreeSet<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT lower(t.name || '.' || c.name) FROM pragma_table_list AS t JOIN pragma_table_xinfo(t.name) AS c \
         WHERE t.schema = 'main' AND t.type = 'table' AND c.hidden = 0 \
         AND t.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND t.name NOT LIKE 'stillroom\\_%' ESCAPE '\\'",
    )?;
    let names = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<BTreeSet<String>>>()?;
    Ok(names)
}

/// The message of [`Error::AdoptionFailed`]: the differences of tables and
/// columns (what a person must resolve), then how many others adoption
/// converts by itself, then the two ways forward.
pub(crate) fn failed_message(closest: &str, differences: &[Difference]) -> String {
    let against = crate::Against::Revision(closest.to_owned());
    let (structural, declared): (Vec<&Difference>, Vec<&Difference>) =
        differences.iter().partition(|d| d.is_structural());
    let mut out = format!(
        "this database has tables but no stillroom ledger, and no revision has its tables and columns, so it was not adopted (nothing was changed). The closest is revision `{closest}`, which differs in tables or columns:"
    );
    for d in &structural {
        out.push_str("\n  - ");
        out.push_str(&d.describe(&against));
    }
    if !declared.is_empty() {
        out.push_str(&format!(
            "\n(and in {} way{} of declaring them, which adoption converts by itself: types, STRICT, defaults, CHECKs, indexes)",
            declared.len(),
            if declared.len() == 1 { "" } else { "s" }
        ));
    }
    let remedies: Vec<String> = structural
        .iter()
        .filter_map(|d| crate::verify::compare::remedy(d))
        .collect();
    out.push_str("\nEither the models are right and the database must change: bring it to that revision's tables and columns, for example with");
    for r in &remedies {
        out.push_str("\n      ");
        out.push_str(r);
    }
    out.push_str("\n  (a DROP loses that data: keep a copy), then start again. Or the database is right and the models must change: `db inspect` writes models from this database; generate a revision from them and start again");
    out
}

/// The message of [`Error::AdoptionBlocked`].
pub(crate) fn blocked_message(
    revision: &str,
    misfits: &[Misfit],
    unsupported: &[String],
) -> String {
    let mut out = format!(
        "this database has the tables and columns of revision `{revision}`, but converting it to that revision's exact schema would "
    );
    out.push_str(match (misfits.is_empty(), unsupported.is_empty()) {
        (false, true) => "change or reject stored values",
        (true, false) => "rebuild tables with parts stillroom cannot recreate",
        _ => "change or reject stored values, and rebuild tables with parts stillroom cannot recreate",
    });
    out.push_str(", so it was not adopted (nothing was changed):");
    for m in misfits {
        out.push_str("\n  - ");
        out.push_str(&m.to_string());
    }
    for u in unsupported {
        out.push_str(&format!("\n  - a rebuilt table has {u}"));
    }
    if !misfits.is_empty() {
        out.push_str(
            "\nCorrect or remove those rows (or change the model so they fit) and start again",
        );
    }
    if !unsupported.is_empty() {
        out.push_str("\nA rebuild would drop those parts: either make the first revision declare those tables exactly as the database does, so that nothing is rebuilt (`db inspect` shows how the database declares them), or remove those parts by hand and start again");
    }
    out.push_str("; `db adopt --sql` shows the conversion");
    out
}
