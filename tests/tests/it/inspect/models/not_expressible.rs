// Models of the tables of an existing SQLite database, written by `stillroom::inspect`.
//
// Review them: the names of structs and fields, the Rust type chosen for each column,
// and every note. A note starting with "differs:" marks what a model cannot declare
// exactly; there the database differs from these models.
//
// Then add them to the application and generate the first revision from them
// (`db revision --autogenerate -m "initial"`): `migrate` adopts this database at that
// revision, its schema being the revision's. Where a note says the database differs,
// adoption converts the database to the models' declaration, after checking that every
// stored value fits it (`db adopt --sql` shows the conversion first).
//
// Not in these models (stillroom does not compare these; a new database gets them
// only from a migration written by hand):
// - virtual table `docs`
// - WITHOUT ROWID on table `docs_config` (a rebuild would drop it)
// - WITHOUT ROWID on table `docs_idx` (a rebuild would drop it)
// - WITHOUT ROWID on table `kv` (a rebuild would drop it)
// - COLLATE on column `people.name` (a rebuild would drop it)
// - generated or hidden column `people.full_name`
// - partial or expression index `people_lower` on `people`
// - partial or expression index `people_scored` on `people`
// - view `adults`:
//     CREATE VIEW adults AS SELECT * FROM people WHERE score > 17
// - trigger `people_touch` on `people`:
//     CREATE TRIGGER people_touch AFTER UPDATE ON people BEGIN
//         UPDATE people SET score = score WHERE id = NEW.id;
//     END

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(strict = false)]
pub struct Kv {
    #[model(primary_key)]
    pub k: String,
    pub v: Option<String>,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(strict = false)]
pub struct Legacy {
    // differs: key column `code` allows NULL (a SQLite quirk); a model's key cannot, so here it is
    // NOT NULL
    #[model(primary_key)]
    pub code: String,
    pub n: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(strict = false)]
#[model(check = "score <= 100")]
pub struct People {
    #[model(primary_key)]
    pub id: i64,
    pub name: Option<String>,
    // differs: no declared type (values are stored as given, and `Value` reads them all); a model
    // column needs one, and BLOB stores values the same way
    #[model(sql_type = "BLOB")]
    pub anything: Option<stillroom::rusqlite::types::Value>,
    // differs: a field takes one `check`; the other CHECKs of column `score` are table CHECKs here
    // (the same rule)
    #[model(check = "score >= 0")]
    pub score: Option<i64>,
    // differs: DEFAULT ("dq") is SQLite's double-quoted string, which the derive does not take;
    // here it is the same string in single quotes
    #[model(default = "'dq'")]
    pub nickname: Option<String>,
}

// differs: the foreign key (`w`) to `we"ird` is left out: `references = "table(column)"` cannot
// hold names with parentheses, quotes, `;`, commas or outer blanks, nor a key that names no columns
#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(strict = false)]
pub struct Refs {
    #[model(primary_key)]
    pub id: i64,
    pub w: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(table = r#"we"ird"#)]
#[model(strict = false)]
pub struct WeIrd {
    #[model(primary_key)]
    pub id: i64,
}
