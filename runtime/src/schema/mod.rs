//! The schema value types every stage shares: tables, columns, SQL types,
//! indexes, foreign keys and checks.
//!
//! A [`Schema`] is what the registry produces from the models and what
//! introspection reads back from a live database; comparing two of them is how
//! stillroom finds what changed. Every type here is plain data: comparable,
//! cloneable and printable, with no connection to a database.

mod sql;
mod validate;

pub(crate) use crate::dialect::sqlite::ddl::column_definition;
pub(crate) use sql::{dependency_order, ident_list};
pub use sql::{quote_ident, quote_literal};
pub use validate::{Problem, SchemaError};

/// A set of tables, kept sorted by name so that everything derived from it is
/// deterministic.
///
/// Build one from the global registry ([`registry`](crate::registry)), from an
/// explicit list of models ([`ModelSet`](crate::ModelSet)), or from table values
/// ([`Schema::new`]). Each of these validates the tables against each other.
///
/// ```
/// use stillroom::{Column, Schema, SqlType, Table};
///
/// let mut notes = Table::new("notes");
/// notes.columns.push(Column::new("id", SqlType::Integer));
/// notes.columns.push(Column::new("body", SqlType::Text));
/// notes.primary_key.columns.push("id".into());
///
/// let schema = Schema::new([notes])?;
/// assert_eq!(schema.table("notes").map(|t| t.columns.len()), Some(2));
/// # Ok::<(), stillroom::SchemaError>(())
/// ```
#[derive(Clone, Default)]
pub struct Schema {
    tables: Vec<Table>,
    /// The tables' part of the verification fingerprint, computed on first
    /// use (a schema never changes once built): the no-op startup needs it
    /// at every call.
    print: std::sync::OnceLock<u128>,
}

impl std::fmt::Debug for Schema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Schema")
            .field("tables", &self.tables)
            .finish()
    }
}

impl PartialEq for Schema {
    fn eq(&self, other: &Self) -> bool {
        self.tables == other.tables
    }
}

impl Eq for Schema {}

impl std::hash::Hash for Schema {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.tables.hash(state);
    }
}

impl Schema {
    /// Validates `tables` as one schema and sorts them by name.
    ///
    /// Every problem found (two tables with one name, a foreign key to a table
    /// or column that does not exist, an index naming an unknown column, ...) is
    /// reported in the one [`SchemaError`].
    pub fn new(tables: impl IntoIterator<Item = Table>) -> Result<Self, SchemaError> {
        let sourced = tables.into_iter().map(|t| (t, None)).collect();
        Self::from_sourced(sourced)
    }

    /// Like [`Schema::new`], with the Rust type each table came from, so errors
    /// can name the model.
    pub(crate) fn from_sourced(
        mut tables: Vec<(Table, Option<&'static str>)>,
    ) -> Result<Self, SchemaError> {
        tables.sort_by(|a, b| a.0.name.cmp(&b.0.name).then(a.1.cmp(&b.1)));
        validate::check_schema(&tables)?;
        Ok(Self {
            tables: tables.into_iter().map(|(t, _)| t).collect(),
            print: std::sync::OnceLock::new(),
        })
    }

    /// The tables as they are, sorted but not validated: a live database may
    /// hold what a model set may not (a foreign key to a dropped table).
    pub(crate) fn from_tables_unchecked(mut tables: Vec<Table>) -> Self {
        tables.sort_by(|a, b| a.name.cmp(&b.name));
        Self {
            tables,
            print: std::sync::OnceLock::new(),
        }
    }

    /// The tables' part of the verification fingerprint (see
    /// [`crate::verify::fingerprint`]), computed once.
    pub(crate) fn print(&self) -> u128 {
        *self.print.get_or_init(|| {
            let tables: Vec<&Table> = self.tables.iter().collect();
            crate::verify::print_tables(&tables)
        })
    }

    /// The tables, sorted by name.
    pub fn tables(&self) -> &[Table] {
        &self.tables
    }

    /// The table named `name`, if the schema has one.
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables
            .binary_search_by(|t| t.name.as_str().cmp(name))
            .ok()
            .map(|i| &self.tables[i])
    }

    /// Whether the schema has no tables.
    pub fn is_empty(&self) -> bool {
        self.tables.is_empty()
    }
}

/// One table: its columns, primary key, indexes, foreign keys and checks.
///
/// ```
/// use stillroom::Model;
///
/// #[derive(Model)]
/// #[model(table = "jobs")]
/// struct Job {
///     #[model(primary_key)]
///     id: String,
///     #[model(index)]
///     status: String,
///     note: Option<String>,
/// }
///
/// let table = Job::table();
/// assert_eq!(table.name, "jobs");
/// assert!(table.strict);
/// assert!(table.column("note").is_some_and(|c| c.nullable));
/// assert_eq!(table.indexes[0].name, "ix_jobs_status");
/// assert!(table.is_unique_key(&["id".to_owned()]));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Table {
    /// The table's name in SQL.
    pub name: String,
    /// The columns, in declaration order.
    pub columns: Vec<Column>,
    /// The primary key.
    pub primary_key: PrimaryKey,
    /// Indexes, unique or not, sorted by name.
    pub indexes: Vec<Index>,
    /// Foreign keys from this table to others (or to itself).
    pub foreign_keys: Vec<ForeignKey>,
    /// Table-level CHECK constraints, as SQL expressions.
    pub checks: Vec<String>,
    /// Whether the table is declared `STRICT` (type-checked by SQLite).
    pub strict: bool,
    /// The table's previous name, when the model says it was renamed. Used by
    /// the migration generator; it does not appear in the DDL.
    pub renamed_from: Option<String>,
}

impl Table {
    /// An empty STRICT table named `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            columns: Vec::new(),
            primary_key: PrimaryKey::default(),
            indexes: Vec::new(),
            foreign_keys: Vec::new(),
            checks: Vec::new(),
            strict: true,
            renamed_from: None,
        }
    }

    /// The column named `name`, if any.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The column named `name`, ignoring ASCII case as SQLite does.
    pub fn column_ci(&self, name: &str) -> Option<&Column> {
        self.columns
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// The index named `name`, if any.
    pub fn index(&self, name: &str) -> Option<&Index> {
        self.indexes.iter().find(|i| i.name == name)
    }

    /// Whether `columns` (in any order) are the primary key or carry a unique
    /// index: what SQLite requires of the target of a foreign key.
    pub fn is_unique_key(&self, columns: &[String]) -> bool {
        let same = |other: &[String]| {
            other.len() == columns.len() && columns.iter().all(|c| other.contains(c))
        };
        same(&self.primary_key.columns) || self.indexes.iter().any(|i| i.unique && same(&i.columns))
    }
}

/// One column of a table.
///
/// ```
/// use stillroom::{Column, SqlType, Table};
///
/// let mut note = Column::new("note", SqlType::Text);
/// note.nullable = true;
/// note.default = Some("''".into());
///
/// let mut jobs = Table::new("jobs");
/// jobs.columns.push(Column::new("id", SqlType::Text));
/// jobs.columns.push(note);
/// jobs.primary_key.columns.push("id".into());
/// assert!(jobs.create_table_sql().contains(r#""note" TEXT DEFAULT ''"#));
/// ```
#[derive(Debug, Clone)]
pub struct Column {
    /// The column's name in SQL.
    pub name: String,
    /// The declared type.
    pub sql_type: SqlType,
    /// Whether NULL is allowed (`false` renders `NOT NULL`).
    pub nullable: bool,
    /// The default, as the SQL text that follows `DEFAULT`
    /// (`'queued'`, `0`, `CURRENT_TIMESTAMP`, `(lower('x'))`).
    pub default: Option<String>,
    /// Column CHECK constraints, as SQL expressions (`"done" IN (0, 1)`).
    pub checks: Vec<String>,
    /// The column's previous name, when the model says it was renamed. Used by
    /// the migration generator; it does not appear in the DDL.
    pub renamed_from: Option<String>,
    /// What the model's Rust type holds, when it says more than `sql_type`
    /// (a `bool`, a timestamp, a UUID): a database with richer types than
    /// SQLite's picks its own from it. SQLite's DDL ignores it, and so does
    /// comparing two columns (`==`): a column read from a database has none.
    pub kind: Option<Kind>,
}

impl PartialEq for Column {
    fn eq(&self, other: &Self) -> bool {
        // `kind` is a hint, not part of the column: see its doc.
        self.name == other.name
            && self.sql_type == other.sql_type
            && self.nullable == other.nullable
            && self.default == other.default
            && self.checks == other.checks
            && self.renamed_from == other.renamed_from
    }
}

impl Eq for Column {}

impl std::hash::Hash for Column {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.name.hash(state);
        self.sql_type.hash(state);
        self.nullable.hash(state);
        self.default.hash(state);
        self.checks.hash(state);
        self.renamed_from.hash(state);
    }
}

impl Column {
    /// A `NOT NULL` column with no default and no checks.
    pub fn new(name: impl Into<String>, sql_type: SqlType) -> Self {
        Self {
            name: name.into(),
            sql_type,
            nullable: false,
            default: None,
            checks: Vec::new(),
            renamed_from: None,
            kind: None,
        }
    }
}

/// What a column's Rust type holds, beyond its SQLite type: the types of
/// PostgreSQL (and of SQL generally) that SQLite folds into `INTEGER`,
/// `TEXT` and `BLOB`. [`ColumnType::KIND`](crate::ColumnType::KIND) gives
/// it; the derive records it on each [`Column`].
///
/// ```
/// use stillroom::{Kind, Model};
///
/// #[derive(Model)]
/// struct Job { #[model(primary_key)] id: i64, done: bool, title: String }
///
/// let t = Job::table();
/// assert_eq!(t.column("done").and_then(|c| c.kind), Some(Kind::Bool));
/// assert_eq!(t.column("id").and_then(|c| c.kind), Some(Kind::BigInt));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Kind {
    /// `bool`.
    Bool,
    /// `i8`, `i16`, `u8`: two bytes.
    SmallInt,
    /// `i32`, `u16`: four bytes.
    Int,
    /// `i64`, `u32`: eight bytes.
    BigInt,
    /// `f32`.
    Float,
    /// `f64`.
    Double,
    /// `String`.
    Text,
    /// `Vec<u8>`, `[u8; N]`.
    Bytes,
    /// A calendar date.
    Date,
    /// A time of day.
    Time,
    /// A date and time without a time zone.
    Timestamp,
    /// An instant (a date and time with a time zone, or UTC).
    TimestampTz,
    /// A UUID.
    Uuid,
    /// A JSON value.
    Json,
}

/// A column's declared SQL type.
///
/// The first five are the types a `STRICT` table accepts; `Declared` keeps
/// any other declared type (`VARCHAR(40)`, `DATETIME`) for non-strict tables.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SqlType {
    /// `INTEGER`: 64-bit signed integers.
    Integer,
    /// `REAL`: 64-bit floating point.
    Real,
    /// `TEXT`: UTF-8 strings.
    Text,
    /// `BLOB`: bytes.
    Blob,
    /// `ANY`: any value, stored as given (STRICT tables only).
    Any,
    /// Any other declared type, upper-cased; only for non-STRICT tables.
    Declared(String),
}

impl SqlType {
    /// Parses a declared type, ignoring case and surrounding blanks.
    ///
    /// ```
    /// use stillroom::SqlType;
    /// assert_eq!(SqlType::parse(" integer "), SqlType::Integer);
    /// assert_eq!(SqlType::parse("varchar(40)"), SqlType::Declared("VARCHAR(40)".into()));
    /// ```
    pub fn parse(declared: &str) -> Self {
        let upper = declared.trim().to_ascii_uppercase();
        match upper.as_str() {
            "INTEGER" => Self::Integer,
            "REAL" => Self::Real,
            "TEXT" => Self::Text,
            "BLOB" => Self::Blob,
            "ANY" => Self::Any,
            _ => Self::Declared(upper),
        }
    }

    /// The type as it appears in DDL.
    pub fn as_sql(&self) -> &str {
        match self {
            Self::Integer => "INTEGER",
            Self::Real => "REAL",
            Self::Text => "TEXT",
            Self::Blob => "BLOB",
            Self::Any => "ANY",
            Self::Declared(s) => s,
        }
    }

    /// Whether a STRICT table accepts this type (`INT` is SQLite's one extra
    /// spelling of `INTEGER`).
    pub fn allowed_in_strict(&self) -> bool {
        match self {
            Self::Declared(s) => s == "INT",
            _ => true,
        }
    }
}

impl std::fmt::Display for SqlType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_sql())
    }
}

/// A table's primary key.
///
/// ```
/// use stillroom::Model;
///
/// #[derive(Model)]
/// #[model(primary_key(show, season))]
/// struct Season { show: String, season: i64, title: String }
///
/// #[derive(Model)]
/// struct Event { #[model(primary_key, autoincrement)] id: i64, name: String }
///
/// assert_eq!(Season::table().primary_key.columns, ["show", "season"]);
/// assert!(Event::table().primary_key.autoincrement);
/// let sql = Event::table().create_table_sql();
/// assert!(sql.contains(r#""id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT"#));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct PrimaryKey {
    /// The key's columns, in key order (more than one: a composite key).
    pub columns: Vec<String>,
    /// `AUTOINCREMENT`: only on a single `INTEGER` key; SQLite then never
    /// reuses the id of a deleted row.
    pub autoincrement: bool,
}

/// An index, unique or not.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Index {
    /// The index's name (index names are shared by all tables of a database).
    pub name: String,
    /// The indexed columns, in order.
    pub columns: Vec<String>,
    /// Whether the index enforces uniqueness.
    pub unique: bool,
}

impl Index {
    /// Whether `other` indexes the same columns (in order, names ignoring
    /// case, as SQLite does) with the same uniqueness: the same index under
    /// any name.
    pub(crate) fn same_key(&self, other: &Index) -> bool {
        self.unique == other.unique
            && self.columns.len() == other.columns.len()
            && self
                .columns
                .iter()
                .zip(&other.columns)
                .all(|(x, y)| x.eq_ignore_ascii_case(y))
    }

    /// The name stillroom gives an index on `columns` of `table`:
    /// `ix_<table>_<col>_<col>`, or `uq_...` for a unique index.
    ///
    /// ```
    /// use stillroom::Index;
    /// assert_eq!(Index::default_name("jobs", &["created_at"], false), "ix_jobs_created_at");
    /// assert_eq!(Index::default_name("tasks", &["job_id", "name"], true), "uq_tasks_job_id_name");
    /// ```
    pub fn default_name<S: AsRef<str>>(table: &str, columns: &[S], unique: bool) -> String {
        let mut name = String::from(if unique { "uq_" } else { "ix_" });
        name.push_str(table);
        for column in columns {
            name.push('_');
            name.push_str(column.as_ref());
        }
        name
    }
}

/// A foreign key from columns of one table to a key of another.
///
/// ```
/// use stillroom::{Action, Model};
///
/// #[derive(Model)]
/// struct Author { #[model(primary_key)] id: i64 }
///
/// #[derive(Model)]
/// struct Book {
///     #[model(primary_key)]
///     id: i64,
///     #[model(references = "author(id)", on_delete = "cascade")]
///     author_id: i64,
/// }
///
/// let fk = &Book::table().foreign_keys[0];
/// assert_eq!(fk.columns, ["author_id"]);
/// assert_eq!(fk.references_table, "author");
/// assert_eq!(fk.references_columns, ["id"]);
/// assert_eq!((fk.on_delete, fk.on_update), (Action::Cascade, Action::NoAction));
/// assert!(Book::table().create_table_sql().contains(
///     r#"FOREIGN KEY ("author_id") REFERENCES "author" ("id") ON DELETE CASCADE"#
/// ));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ForeignKey {
    /// The referencing columns of this table.
    pub columns: Vec<String>,
    /// The referenced table.
    pub references_table: String,
    /// The referenced columns (its primary key or a unique key), in the same
    /// order as `columns`.
    pub references_columns: Vec<String>,
    /// What happens to this row when the referenced row is deleted.
    pub on_delete: Action,
    /// What happens to this row when the referenced key changes.
    pub on_update: Action,
}

/// A foreign key action, for `ON DELETE` and `ON UPDATE`.
///
/// ```
/// use stillroom::Action;
///
/// // As `#[model(on_delete = "...")]` accepts them:
/// assert_eq!(Action::parse("set null"), Some(Action::SetNull));
/// assert_eq!(Action::parse("SET_DEFAULT"), Some(Action::SetDefault));
/// assert_eq!(Action::parse("delete"), None);
/// assert_eq!(Action::Cascade.as_sql(), "CASCADE");
/// assert_eq!(Action::default(), Action::NoAction);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    /// `NO ACTION` (SQLite's default): the change fails if it would leave a
    /// dangling reference at commit.
    #[default]
    NoAction,
    /// `RESTRICT`: the change fails at once.
    Restrict,
    /// `SET NULL`: the referencing columns become NULL.
    SetNull,
    /// `SET DEFAULT`: the referencing columns take their defaults.
    SetDefault,
    /// `CASCADE`: deletes (or updates) the referencing rows too.
    Cascade,
}

impl Action {
    /// Parses an action name, ignoring case, with a space or underscore
    /// between words (`"set null"`, `"SET_NULL"`, `"cascade"`).
    pub fn parse(text: &str) -> Option<Self> {
        let words: Vec<String> = text
            .split([' ', '_'])
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_uppercase)
            .collect();
        match words.join(" ").as_str() {
            "NO ACTION" => Some(Self::NoAction),
            "RESTRICT" => Some(Self::Restrict),
            "SET NULL" => Some(Self::SetNull),
            "SET DEFAULT" => Some(Self::SetDefault),
            "CASCADE" => Some(Self::Cascade),
            _ => None,
        }
    }

    /// The action as it appears in DDL.
    pub fn as_sql(self) -> &'static str {
        match self {
            Self::NoAction => "NO ACTION",
            Self::Restrict => "RESTRICT",
            Self::SetNull => "SET NULL",
            Self::SetDefault => "SET DEFAULT",
            Self::Cascade => "CASCADE",
        }
    }
}
