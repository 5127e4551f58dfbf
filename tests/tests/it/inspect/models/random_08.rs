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

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
pub struct Jobs {
    #[model(primary_key)]
    pub r#gen: Vec<u8>,
    #[model(column = r"back\slash")]
    pub back_slash: bool,
    #[model(references = "jobs(gen)", on_delete = "restrict", on_update = "cascade")]
    pub ref_gen: Option<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(table = "self")]
#[model(primary_key(r#async, r#fn, c_1st))]
#[model(unique(ref_1st, r#async))]
#[model(foreign_key(
    ref_async,
    ref_fn,
    ref_1st,
    references = "self(async, fn, 1st)",
    on_delete = "set null",
    on_update = "restrict"
))]
pub struct SelfTable {
    pub r#fn: String,
    #[model(column = "1st")]
    pub c_1st: f64,
    pub r#async: stillroom::rusqlite::types::Value,
    pub ref_async: Option<stillroom::rusqlite::types::Value>,
    pub ref_fn: Option<String>,
    pub ref_1st: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(table = "Ünïcode")]
#[model(index(ref_fn, count, name = r#"My Index "1" of Ünïcode"#))]
#[model(foreign_key(
    ref_async,
    ref_fn,
    ref_1st,
    references = "self(async, fn, 1st)",
    on_delete = "restrict",
    on_update = "cascade"
))]
pub struct NCode {
    #[model(primary_key, column = "_", check = r#""_" NOT LIKE '%\%'"#)]
    pub column: i64,
    #[model(sql_type = "INT")]
    pub r#fn: i64,
    #[model(check = r#"length("count") > 0"#)]
    pub count: i64,
    pub ref_async: Option<stillroom::rusqlite::types::Value>,
    #[model(index)]
    pub ref_fn: Option<String>,
    pub ref_1st: Option<f64>,
}
