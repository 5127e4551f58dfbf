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
#[model(table = "ORDERS_archive")]
pub struct OrdersArchive {
    #[model(primary_key)]
    pub table: f64,
    #[model(column = "first-name")]
    pub first_name: stillroom::rusqlite::types::Value,
    #[model(default = "-3")]
    pub r#where: i64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(table = "a-b")]
#[model(unique(back_slash, row, name = "idx_a-b_1"))]
#[model(index(r#gen, r#name, count))]
#[model(check = r#""async" IS NOT NULL OR "gen" IS NULL"#)]
pub struct AB {
    #[model(primary_key)]
    pub r#async: stillroom::rusqlite::types::Value,
    pub r#name: f64,
    #[model(column = r"back\slash", default = "''")]
    pub back_slash: String,
    #[model(default = r##"'"#'"##)]
    pub count: Option<String>,
    #[model(default = "-0.25")]
    pub row: f64,
    pub r#gen: Option<f64>,
}
