//! What differs between the databases stillroom migrates. The pipeline's
//! stages (schema values, diff, ops, migration files, the runner, verify)
//! are shared; what is a database's own (its types, what `ALTER TABLE` can
//! do in place, DDL, introspection, locking) is decided per [`Dialect`].

pub(crate) mod sqlite;

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
