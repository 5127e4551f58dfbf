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
//!
//! The plan and the conversion are the dialect's (`dialect/sqlite/adopt.rs`,
//! `dialect/postgres/adopt.rs`); the runner records the adoption.

use rusqlite::Connection;

use super::Migrator;
use crate::Result;
use crate::dialect::sqlite::fit::Misfit;
use crate::verify::compare::Difference;

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

impl Migrator<'_> {
    /// How the database behind `conn` (tables, no ledger) would be adopted,
    /// without changing anything: the revision it is at, what the
    /// conversion changes, and its SQL for review (CLI: `db adopt --sql`).
    ///
    /// Fails when no revision matches ([`Error::AdoptionFailed`](crate::Error::AdoptionFailed)) or when
    /// converting would change or reject stored values
    /// ([`Error::AdoptionBlocked`](crate::Error::AdoptionBlocked)).
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
        super::runner::adoption_plan(
            self,
            &mut crate::dialect::sqlite::backend::SqliteDb {
                conn,
                migrator: self,
            },
        )
    }

    /// The script that adopts the database behind `conn` by hand (the
    /// conversion and the ledger's rows), for review: what
    /// [`Migrator::adopt`] would do. Reads the database only.
    pub fn adoption_sql(&self, conn: &Connection) -> Result<String> {
        self.history.expect_dialect(crate::Dialect::Sqlite)?;
        let adoption = self.adoption_plan(conn)?;
        Ok(crate::dialect::sqlite::offline::adoption_sql(
            &adoption,
            &self.history.migrations,
        ))
    }
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
