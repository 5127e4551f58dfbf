//! The global model registry and explicit model sets.

use std::sync::LazyLock;

use crate::Model;
use crate::schema::{Schema, SchemaError, Table};

/// One derived model, submitted to the registry by `#[derive(Model)]`.
#[doc(hidden)]
#[derive(Debug)]
pub struct ModelEntry {
    /// The model's table.
    pub table: fn() -> &'static Table,
    /// The model's Rust path (`my_app::models::Job`).
    pub rust_type: &'static str,
    /// The table's name.
    pub name: &'static str,
    /// A hash, computed at compile time, of the code that builds the table.
    pub print: u128,
    /// What the columns' types contribute (`Field::PRINT`), in column order.
    pub column_types: &'static [u128],
}

inventory::collect!(ModelEntry);

static REGISTRY: LazyLock<Result<Schema, SchemaError>> = LazyLock::new(|| {
    let tables = inventory::iter::<ModelEntry>
        .into_iter()
        .map(|entry| ((entry.table)().clone(), Some(entry.rust_type)))
        .collect();
    Schema::from_sourced(tables)
});

/// The schema of every model derived in the program, sorted by table name.
///
/// Built and validated on first use, then kept for the life of the process.
/// If the models do not form a valid schema (two models claim one table, a
/// foreign key names a table or column no model declares, ...), every problem
/// is listed in the error, on each call.
///
/// Only models in crates that are linked into the program are seen: a crate
/// whose items are never used by the program is left out by the linker, and
/// its models with it. If a crate holds nothing but models, name one of them
/// (`let _ = my_models::Job::table;`) or write `extern crate my_models;` in the
/// application. [`registered_models`] lists what the registry holds, to check.
///
/// ```rust,standalone_crate
/// #[derive(stillroom::Model)]
/// struct Note { #[model(primary_key)] id: i64, body: String }
///
/// let schema = stillroom::registry()?;
/// assert!(schema.table("note").is_some());
/// # Ok::<(), stillroom::SchemaError>(())
/// ```
pub fn registry() -> Result<&'static Schema, SchemaError> {
    REGISTRY.as_ref().map_err(Clone::clone)
}

/// The fingerprint of the registry's models, for the startup summary:
/// from what each model's entry says (its name, a compile-time hash of the
/// code that builds its table, and its column types' constants), without
/// building a table. Computed once per process, from constants; several times cheaper than
/// building, copying and validating hundreds of tables, which a start
/// trusts only on a fingerprint recorded after building, validating and
/// verifying them.
pub(crate) fn fingerprint(verification: crate::Verification) -> String {
    use std::hash::{Hash as _, Hasher as _};
    static PRINT: LazyLock<u128> = LazyLock::new(|| {
        let mut entries: Vec<&ModelEntry> = inventory::iter::<ModelEntry>.into_iter().collect();
        entries.sort_by_key(|e| (e.name, e.print));
        let mut hasher = crate::verify::Fingerprinter::default();
        hasher.write_usize(entries.len());
        for entry in entries {
            entry.name.hash(&mut hasher);
            hasher.write_u128(entry.print);
            hasher.write_usize(entry.column_types.len());
            for &column_type in entry.column_types {
                hasher.write_u128(column_type);
            }
        }
        hasher.finish128()
    });
    crate::verify::with_policy(*PRINT, verification)
}

/// A model in the registry: its Rust type and table.
///
/// ```rust,standalone_crate
/// #[derive(stillroom::Model)]
/// #[model(table = "notes")]
/// struct Note { #[model(primary_key)] id: i64 }
///
/// let models = stillroom::registered_models();
/// assert_eq!(models.len(), 1);
/// assert_eq!(models[0].table, "notes");
/// assert!(models[0].rust_type.ends_with("::Note"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ModelInfo {
    /// The table name.
    pub table: &'static str,
    /// The model's Rust path (`my_app::models::Job`).
    pub rust_type: &'static str,
}

/// Every model the registry holds, sorted by table name then Rust path;
/// unlike [`registry`], this works even when the models are not a valid
/// schema.
///
/// ```rust,standalone_crate
/// #[derive(stillroom::Model)]
/// struct Note { #[model(primary_key)] id: i64 }
///
/// assert!(stillroom::registered_models().iter().any(|m| m.rust_type.ends_with("::Note")));
/// ```
pub fn registered_models() -> Vec<ModelInfo> {
    let mut models: Vec<ModelInfo> = inventory::iter::<ModelEntry>
        .into_iter()
        .map(|e| ModelInfo {
            table: &(e.table)().name,
            rust_type: e.rust_type,
        })
        .collect();
    models.sort();
    models
}

/// An explicit set of models, apart from the global registry: for tests, and
/// for applications that keep separate schemas in separate databases.
///
/// ```
/// use stillroom::{Model, ModelSet};
///
/// #[derive(Model)]
/// struct Author { #[model(primary_key)] id: i64, name: String }
///
/// #[derive(Model)]
/// struct Book {
///     #[model(primary_key)]
///     id: i64,
///     #[model(references = "author(id)", on_delete = "cascade")]
///     author_id: i64,
/// }
///
/// let schema = ModelSet::new().with::<Author>().with::<Book>().build()?;
/// assert_eq!(schema.tables().len(), 2);
///
/// // Without `Author`, the foreign key dangles: the error says so.
/// let err = ModelSet::new().with::<Book>().build().unwrap_err();
/// assert!(err.to_string().contains("references table `author`, which no model declares"));
/// # Ok::<(), stillroom::SchemaError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct ModelSet {
    tables: Vec<(Table, Option<&'static str>)>,
}

impl ModelSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds model `M`.
    #[must_use]
    pub fn with<M: Model>(mut self) -> Self {
        self.tables
            .push((M::table().clone(), Some(std::any::type_name::<M>())));
        self
    }

    /// Validates the models as one schema.
    pub fn build(self) -> Result<Schema, SchemaError> {
        Schema::from_sourced(self.tables)
    }
}
