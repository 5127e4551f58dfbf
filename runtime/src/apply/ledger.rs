//! The ledger: which revisions a database has, with their checksums, as
//! every dialect records it (its SQL is the dialect's:
//! `dialect/sqlite/ledger.rs`, `dialect/postgres/ledger.rs`).

/// One revision as the ledger records it.
///
/// ```
/// # fn main() -> stillroom::Result<()> {
/// # #[derive(stillroom::Model)] struct Note { #[model(primary_key)] id: i64, body: String }
/// # let dir = std::env::temp_dir().join(format!("stillroom-doc-applied-{}", std::process::id()));
/// # let schema = stillroom::ModelSet::new().with::<Note>().build()?;
/// # stillroom::generate(&dir, &schema, "initial", Default::default())?;
/// # let history = stillroom::History::read(&dir)?;
/// use stillroom::Migrator;
///
/// let conn = rusqlite::Connection::open_in_memory()?;
/// let migrator = Migrator::new(&history).schema(&schema);
/// migrator.migrate(&conn)?;
/// let applied = &migrator.status(&conn)?.applied[0];
/// assert_eq!((applied.revision.as_str(), applied.how.as_str()), ("0001_initial", "applied"));
/// assert_eq!(applied.checksum, history.migrations[0].checksum);
/// assert!(applied.applied_at.ends_with('Z')); // UTC
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The revision.
    pub revision: String,
    /// Its parent.
    pub parent: Option<String>,
    /// The checksum of its file when it was recorded.
    pub checksum: String,
    /// When (UTC, ISO 8601).
    pub applied_at: String,
    /// How long its `up` part took.
    pub duration_ms: i64,
    /// `applied` (run), `adopted` (found already in place in a database
    /// made before stillroom) or `stamped` (recorded without running).
    pub how: String,
}

/// A digest of a history's (revision, checksum) pairs in order: equal
/// digests mean the same revisions, in the same order, with the same files.
/// Fast rather than cryptographic (see [`Fingerprinter`](crate::verify::Fingerprinter)):
/// it guards against edits and renames, not against someone who can write
/// to the database anyway.
pub(crate) fn digest<'a>(revisions: impl ExactSizeIterator<Item = (&'a str, &'a str)>) -> String {
    use std::hash::Hasher as _;
    let mut hasher = crate::verify::Fingerprinter::default();
    hasher.write_usize(revisions.len());
    for (revision, checksum) in revisions {
        hasher.write(revision.as_bytes());
        hasher.write_u8(0xff);
        hasher.write(checksum.as_bytes());
        hasher.write_u8(0xff);
    }
    format!("{:032x}", hasher.finish128())
}
