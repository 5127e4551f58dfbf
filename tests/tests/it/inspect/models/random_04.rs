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
pub struct StringTable {
    #[model(primary_key, autoincrement, default = "-3")]
    pub r#gen: i64,
    #[model(column = "CamelCase")]
    pub camel_case: Option<f64>,
    #[model(column = "UPPER")]
    pub upper: Vec<u8>,
    #[model(column = "_", sql_type = "INT", default = "NULL")]
    pub column: Option<i64>,
    pub _private: Vec<u8>,
    #[model(references = "String(gen)", on_delete = "restrict", on_update = "restrict")]
    pub ref_gen: i64,
}
