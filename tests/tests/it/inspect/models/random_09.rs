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
#[model(table = "String")]
#[model(index(order_date, name = "idx_String_0"))]
pub struct StringTable {
    #[model(primary_key)]
    pub order_date: stillroom::rusqlite::types::Value,
    #[model(
        index,
        references = "String(order_date)",
        on_delete = "set default",
        on_update = "set null"
    )]
    pub ref_order_date: Option<stillroom::rusqlite::types::Value>,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(table = "a-b")]
#[model(index(r#async, back_slash, name = r#"My Index "0" of a-b"#))]
pub struct AB {
    #[model(primary_key, column = r"back\slash")]
    pub back_slash: Vec<u8>,
    #[model(column = "crate", check = r#""crate" NOT LIKE '%\%'"#)]
    pub crate_: Option<String>,
    #[model(check = r#""async" <> 'a"b'"#)]
    pub r#async: Vec<u8>,
    pub name: stillroom::rusqlite::types::Value,
    #[model(
        column = r"ref_back\slash",
        unique,
        references = r"a-b(back\slash)",
        on_delete = "set null",
        on_update = "cascade"
    )]
    pub ref_back_slash: Option<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(check = r#""async" IS NOT NULL OR "ref_async" IS NULL"#)]
pub struct Jobs {
    #[model(primary_key)]
    pub r#async: f64,
    #[model(default = "(lower('A'))")]
    pub _private: stillroom::rusqlite::types::Value,
    #[model(references = "jobs(async)", on_delete = "set null", on_update = "restrict")]
    pub ref_async: Option<f64>,
}
