//! Verification: does the live database match the models? Every difference
//! is listed, said from the database's side; indexes the models do not
//! declare may be tolerated ([`Verification`]).

pub(crate) mod compare;

use rusqlite::Connection;
use std::hash::{Hash as _, Hasher as _};

use crate::dialect::sqlite::introspect::introspect;
use crate::schema::{Schema, Table};
use crate::verify::compare::{Against, Difference, compare};
use crate::{Error, Result};

/// What the comparison of the live schema with the models accepts, after
/// [`Migrator`](crate::Migrator) has upgraded a database to head.
///
/// Views and triggers are never compared: the models do not declare them
/// (they come from hand-written migrations, and table rebuilds keep them).
///
/// ```
/// use stillroom::{Difference, Index, Verification};
///
/// let index = Index { name: "ix_note_body".into(), columns: vec!["body".into()], unique: false };
/// let added_by_a_dba = Difference::ExtraIndex { table: "note".into(), index };
/// assert!(Verification::default().tolerates(&added_by_a_dba));
/// assert!(!Verification::Exact.tolerates(&added_by_a_dba));
/// // Chosen with `Migrator::new(&history).verification(Verification::Exact)`.
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Verification {
    /// Every difference fails, except non-unique indexes the models do not
    /// declare (an index a DBA added for a slow query, or one a hand-written
    /// migration created). Such an index cannot change a stored value or
    /// reject a write, so refusing to start over it would stop a fleet for
    /// nothing; it is logged (`tracing` warning) at each full comparison.
    /// A unique index the models do not declare rejects writes the
    /// application expects to succeed, so it is a difference. The default.
    #[default]
    AllowUndeclaredIndexes,
    /// Every difference fails, undeclared indexes included.
    Exact,
    /// No comparison after migrating (`db verify` still compares).
    Off,
}

impl Verification {
    /// Whether `difference` is accepted under this policy.
    pub fn tolerates(self, difference: &Difference) -> bool {
        match self {
            Self::AllowUndeclaredIndexes => difference.is_undeclared_index(),
            Self::Exact => false,
            Self::Off => true,
        }
    }
}

/// Every difference between the database behind `conn` and `schema`, said
/// from the database's side (empty: they match). Case, spacing, column
/// order, foreign key order, and type spellings that store the same values
/// on tables that are not STRICT do not count, as in the migration
/// generator.
///
/// ```
/// # fn main() -> stillroom::Result<()> {
/// use stillroom::{Against, ModelSet, Model};
///
/// #[derive(Model)]
/// struct Note { #[model(primary_key)] id: i64, body: String }
///
/// let conn = rusqlite::Connection::open_in_memory()?;
/// conn.execute_batch("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT NOT NULL, pinned INTEGER) STRICT")?;
/// let models = ModelSet::new().with::<Note>().build()?;
/// let found = stillroom::differences(&conn, &models)?;
/// assert_eq!(
///     found[0].describe(&Against::Models),
///     "the database has column `note.pinned`; the models do not"
/// );
/// # Ok(())
/// # }
/// ```
pub fn differences(conn: &Connection, schema: &Schema) -> Result<Vec<Difference>> {
    let live = introspect(conn)?;
    Ok(compare(&live.schema, schema))
}

/// Compares now; fails with [`Error::SchemaMismatch`] listing every
/// difference `verification` does not tolerate. Returns the tolerated ones.
pub(crate) fn verify_now(
    conn: &Connection,
    schema: &Schema,
    verification: Verification,
) -> Result<Vec<Difference>> {
    judge(differences(conn, schema)?, schema, verification)
}

/// The verdict on `found` (a live schema against `schema`, the models):
/// [`Error::SchemaMismatch`] listing every difference `verification` does
/// not tolerate, else the tolerated ones (each logged).
pub(crate) fn judge(
    found: Vec<Difference>,
    schema: &Schema,
    verification: Verification,
) -> Result<Vec<Difference>> {
    let (tolerated, differences): (Vec<Difference>, Vec<Difference>) =
        found.into_iter().partition(|d| verification.tolerates(d));
    if !differences.is_empty() {
        return Err(Error::SchemaMismatch {
            differences,
            models: schema.tables().len(),
        });
    }
    for difference in &tolerated {
        tracing::warn!(
            difference = %difference.describe(&Against::Models),
            "tolerated: an index the models do not declare"
        );
    }
    Ok(tolerated)
}

/// The message of [`Error::SchemaMismatch`]: every difference, then what to
/// do about the kinds found.
pub(crate) fn mismatch_message(differences: &[Difference], models: usize) -> String {
    let mut out = String::from("the database schema does not match the models:");
    for d in differences {
        out.push_str("\n  - ");
        out.push_str(&d.describe(&Against::Models));
    }
    let extra_only = differences
        .iter()
        .all(|d| matches!(d, Difference::ExtraTable { .. }));
    if models == 0 {
        out.push_str("\nNo models are registered in this program: is the crate that defines them linked? A crate of which the program uses nothing is left out by the linker, models and all; name one model (`let _ = my_models::Job::table;`), or list them with `stillroom::registered_models()`");
    } else if extra_only {
        out.push_str("\nIf those tables' models are in another crate, is it linked? (see `stillroom::registered_models`); if they are gone from the application, generate a migration that drops them");
    } else {
        out.push_str("\nIf a model changed, generate a migration and ship it with the change (`db revision --autogenerate`); if the database was changed by hand, undo that change");
    }
    out
}

/// A fingerprint of `schema` and `verification` (and of this version of
/// stillroom's rules), so a cached verification is only trusted for the same
/// models and policy. It hashes the schema values rather than their DDL:
/// this runs at every startup, and rendering hundreds of tables would cost
/// more than reading the ledger. The schema's part is computed once per
/// schema value.
pub(crate) fn fingerprint(schema: &Schema, verification: Verification) -> String {
    with_policy(schema.print(), verification)
}

/// The fingerprint of the tables' part and `verification`.
pub(crate) fn with_policy(tables: u128, verification: Verification) -> String {
    let mut hasher = Fingerprinter::default();
    env!("CARGO_PKG_VERSION").hash(&mut hasher);
    hasher.write_u128(tables);
    verification.hash(&mut hasher);
    format!("{:032x}", hasher.finish128())
}

/// The tables' part of a fingerprint: `tables` sorted by name, hashed as
/// values. The registry's is taken from the models' tables as they are
/// (not validated as one schema); it equals the part of the schema they
/// make when they make one.
pub(crate) fn print_tables(tables: &[&Table]) -> u128 {
    let mut hasher = Fingerprinter::default();
    tables.hash(&mut hasher);
    hasher.finish128()
}

/// A fast 128-bit hash for fingerprints and digests: two lanes of folded
/// 64×64→128-bit multiplies (the mixing of aHash's portable fallback),
/// eight bytes a step. Several times faster than SipHash, which these
/// values need not be: they detect changes, not attacks (whoever can write
/// the database can change it anyway), and at 128 bits an accidental
/// collision is out of reach. `embed_migrations!` computes the embedded
/// set's [`digest`](crate::apply::ledger::digest) with a copy of it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fingerprinter {
    a: u64,
    b: u64,
}

impl Default for Fingerprinter {
    fn default() -> Self {
        Self::new()
    }
}

const MULTIPLE_A: u64 = 0x9e37_79b9_7f4a_7c15;
const MULTIPLE_B: u64 = 0xd6e8_feb8_6659_fd93;

const fn folded_multiply(x: u64, by: u64) -> u64 {
    let product = (x as u128) * (by as u128);
    // The two halves of the product, folded: truncation intended.
    (product as u64) ^ ((product >> 64) as u64)
}

impl Fingerprinter {
    /// The start: digits of pi, any fixed non-zero values would do.
    pub(crate) const fn new() -> Self {
        Self {
            a: 0x243f_6a88_85a3_08d3,
            b: 0x1319_8a2e_0370_7344,
        }
    }

    const fn word(&mut self, word: u64) {
        self.a = folded_multiply(self.a ^ word, MULTIPLE_A);
        self.b = folded_multiply(self.b ^ word.rotate_left(32), MULTIPLE_B).rotate_left(23);
    }

    /// `bytes`, eight a step; the tail padded, with its length in the top
    /// byte (`ab` and `ab\0` differ). Usable in constants.
    pub(crate) const fn bytes(&mut self, bytes: &[u8]) {
        let mut at = 0;
        while at + 8 <= bytes.len() {
            let mut word = [0; 8];
            let mut i = 0;
            while i < 8 {
                word[i] = bytes[at + i];
                i += 1;
            }
            self.word(u64::from_le_bytes(word));
            at += 8;
        }
        let rest = bytes.len() - at;
        if rest > 0 {
            let mut word = [0; 8];
            let mut i = 0;
            while i < rest {
                word[i] = bytes[at + i];
                i += 1;
            }
            word[7] = rest as u8;
            self.word(u64::from_le_bytes(word));
        }
    }

    /// A string, then a byte no UTF-8 text holds: as `str`'s `Hash` does.
    const fn text(&mut self, text: &str) {
        self.bytes(text.as_bytes());
        self.word(0xff | 1 << 63);
    }

    /// Both lanes, mixed once more.
    pub(crate) const fn finish128(&self) -> u128 {
        let a = folded_multiply(self.a ^ self.b.rotate_left(17), MULTIPLE_B);
        let b = folded_multiply(self.b ^ self.a.rotate_left(41), MULTIPLE_A);
        ((a as u128) << 64) | (b as u128)
    }
}

/// What a field's column takes from its type (`ColumnType`'s constants),
/// hashed at compile time: the derive lists it in the registry entry, so
/// the registry's fingerprint follows a changed `ColumnType` impl without
/// building a table.
pub(crate) const fn type_print(
    sql_type: &crate::SqlType,
    nullable: bool,
    kind: Option<crate::Kind>,
    check: Option<crate::ValueCheck>,
) -> u128 {
    use crate::{SqlType, ValueCheck};
    let mut hasher = Fingerprinter::new();
    match sql_type {
        SqlType::Integer => hasher.word(1),
        SqlType::Real => hasher.word(2),
        SqlType::Text => hasher.word(3),
        SqlType::Blob => hasher.word(4),
        SqlType::Any => hasher.word(5),
        SqlType::Declared(declared) => {
            hasher.word(6);
            hasher.text(declared.as_str());
        }
    }
    hasher.word(nullable as u64);
    match kind {
        None => hasher.word(0),
        Some(kind) => hasher.word(1 + kind as u64),
    }
    match check {
        None => hasher.word(0),
        Some(ValueCheck::Boolean) => hasher.word(1),
        Some(ValueCheck::OneOf(values)) => {
            hasher.word(2);
            hasher.word(values.len() as u64);
            let mut i = 0;
            while i < values.len() {
                hasher.text(values[i]);
                i += 1;
            }
        }
    }
    hasher.finish128()
}

impl std::hash::Hasher for Fingerprinter {
    /// What [`Fingerprinter::bytes`] does, without its constant-friendly
    /// byte loops: this hashes a whole history at every no-op start.
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            self.word(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0; 8];
            word[..rest.len()].copy_from_slice(rest);
            word[7] = rest.len() as u8;
            self.word(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.word(u64::from(i) | 1 << 63);
    }

    fn write_u64(&mut self, i: u64) {
        self.word(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.word(i as u64);
    }

    fn finish(&self) -> u64 {
        self.finish128() as u64
    }
}

#[cfg(test)]
mod tests {
    use super::Fingerprinter;
    use std::hash::Hasher as _;

    /// `write` (run time) and `bytes` (constants) must hash alike: type
    /// prints are taken with one, everything else with the other.
    #[test]
    fn the_two_ways_of_hashing_bytes_agree() {
        let text = "0001_initial\u{ff}0123456789abcdef, and a tail of 7";
        for end in 0..text.len() {
            let part = &text.as_bytes()[..end];
            let (mut a, mut b) = (Fingerprinter::new(), Fingerprinter::new());
            a.write(part);
            b.bytes(part);
            assert_eq!(a.finish128(), b.finish128(), "{end}");
        }
    }
}
