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
#[model(strict = false)]
pub struct Jobs {
    #[model(primary_key, default = "X'00FF'")]
    pub stmt: Vec<u8>,
    #[model(references = "jobs(stmt)", on_delete = "cascade")]
    pub ref_stmt: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(table = "option")]
pub struct OptionTable {
    #[model(primary_key, column = "first-name", default = "'it''s'")]
    pub first_name: stillroom::rusqlite::types::Value,
    pub r#async: Option<String>,
    pub table: f64,
    #[model(column = "1st", sql_type = "INT")]
    pub c_1st: i64,
    #[model(column = "ref_first-name", references = "option(first-name)", on_delete = "cascade")]
    pub ref_first_name: stillroom::rusqlite::types::Value,
}
