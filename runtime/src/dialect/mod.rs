//! What differs between the databases stillroom migrates. The pipeline's
//! stages (schema values, diff, ops, migration files, the runner, verify)
//! are shared; what is a database's own (its types, what `ALTER TABLE` can
//! do in place, DDL, introspection, locking) is decided per [`Dialect`].

pub(crate) mod backend;
pub(crate) mod sqlite;

use crate::schema::{Column, SqlType, Table};

#[cfg(feature = "postgres")]
pub mod postgres;

/// The database a migration history is written for.
///
/// A migration file says which in its header (`-- dialect: postgres`; no
/// line is SQLite), and a history is all one dialect: an application
/// targets one database, and moving to another starts a new history
/// generated from the models (see the guide's "Moving to PostgreSQL").
///
/// ```
/// use stillroom::Dialect;
///
/// assert_eq!(Dialect::default(), Dialect::Sqlite);
/// assert_eq!(Dialect::Postgres.to_string(), "PostgreSQL");
/// assert_eq!("postgres".parse::<Dialect>(), Ok(Dialect::Postgres));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// SQLite (the default).
    #[default]
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

impl Dialect {
    /// The name a migration file's header uses: `sqlite`, `postgres`.
    pub fn header_name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

/// What each database can change in place and which values survive a
/// type change: the rules `diff` and `compare` ask their dialect.
impl Dialect {
    /// Whether column `a` of table `at` and column `b` of table `bt` store
    /// and accept the same values (on PostgreSQL: the same type).
    pub(crate) fn same_type(self, a: &Column, at: &Table, b: &Column, bt: &Table) -> bool {
        match self {
            Self::Sqlite => sqlite::alter::same_type(a, at, b, bt),
            // PostgreSQL's types are its own, compared by canonical names.
            Self::Postgres => a.sql_type == b.sql_type,
        }
    }

    /// Whether every value of type `from` survives as type `to`.
    pub(crate) fn lossless(self, from: &SqlType, to: &SqlType) -> bool {
        match self {
            Self::Sqlite => sqlite::alter::lossless(from, to),
            Self::Postgres => postgres_lossless(from.as_sql(), to.as_sql()),
        }
    }

    /// Whether `ALTER TABLE ADD COLUMN` adds `column` to `table` in place,
    /// or why not (then the table is rebuilt).
    pub(crate) fn addable(self, column: &Column, table: &Table) -> Result<(), &'static str> {
        match self {
            Self::Sqlite => sqlite::alter::addable(column, table),
            // PostgreSQL adds any column in place (a NOT NULL one fills its
            // default into the rows; one without a default is refused by
            // diff).
            Self::Postgres => Ok(()),
        }
    }

    /// Whether `ALTER TABLE DROP COLUMN` drops `column` from `table` in
    /// place (else the table is rebuilt).
    pub(crate) fn droppable(self, table: &Table, column: &str) -> bool {
        match self {
            Self::Sqlite => sqlite::alter::droppable(table, column),
            Self::Postgres => true,
        }
    }
}

/// PostgreSQL: whether every value of type `from` converts to `to` and
/// back unchanged: wider integers, `REAL` to `DOUBLE PRECISION`, integers
/// to `NUMERIC` (and the small ones to `DOUBLE PRECISION`), anything to
/// `TEXT`, a `VARCHAR` to a longer one.
fn postgres_lossless(from: &str, to: &str) -> bool {
    let rank = |t: &str| match t {
        "SMALLINT" => Some(1),
        "INTEGER" => Some(2),
        "BIGINT" => Some(3),
        _ => None,
    };
    let varchar =
        |t: &str| -> Option<u64> { t.strip_prefix("VARCHAR(")?.strip_suffix(')')?.parse().ok() };
    from == to
        || to == "TEXT"
        || matches!((rank(from), rank(to)), (Some(a), Some(b)) if a <= b)
        || (rank(from).is_some() && to == "NUMERIC")
        || (matches!(from, "SMALLINT" | "INTEGER" | "REAL") && to == "DOUBLE PRECISION")
        || matches!((varchar(from), varchar(to)), (Some(a), Some(b)) if a <= b)
}

impl std::fmt::Display for Dialect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Sqlite => "SQLite",
            Self::Postgres => "PostgreSQL",
        })
    }
}

impl std::str::FromStr for Dialect {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "sqlite" => Ok(Self::Sqlite),
            "postgres" | "postgresql" => Ok(Self::Postgres),
            other => Err(format!(
                "unknown dialect `{other}`; stillroom knows `sqlite` and `postgres`"
            )),
        }
    }
}
