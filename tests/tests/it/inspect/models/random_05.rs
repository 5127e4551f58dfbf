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
#[model(table = "HTTPLog")]
#[model(index(_private, a_b, name = r#"My Index "0" of HTTPLog"#))]
#[model(check = r#""a_b" IS NOT NULL OR "ref_a_b" IS NULL"#)]
pub struct HttpLog {
    #[model(primary_key, default = "X'00FF'")]
    pub a_b: Vec<u8>,
    #[model(column = "Order Date")]
    pub order_date: Vec<u8>,
    #[model(unique, check = r#""type" >= 0"#)]
    pub r#type: Option<String>,
    #[model(column = "prénom", default = "''")]
    pub pr_nom: Option<String>,
    #[model(default = "42")]
    pub table: bool,
    #[model(sql_type = "INT")]
    pub _private: bool,
    #[model(references = "HTTPLog(a_b)", on_update = "set null")]
    pub ref_a_b: Option<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(table = "userRoles")]
#[model(strict = false)]
#[model(unique(a_b, name = "idx_userRoles_0"))]
pub struct UserRoles {
    // declared JSON (NUMERIC affinity): `String` reads JSON text; a bare JSON number is stored as a
    // number, which it cannot read
    #[model(primary_key, column = "_", sql_type = "JSON")]
    pub column: String,
    // declared BOOLEAN (NUMERIC affinity): no column CHECK `IN (0, 1)`, so `i64`, which reads the 0
    // and 1 ORMs store (`bool` would add that CHECK)
    #[model(sql_type = "BOOLEAN", default = r"'back\slash'")]
    pub r#fn: i64,
    #[model(column = "a b", sql_type = "INT", default = "'x'")]
    pub a_b: Option<bool>,
    #[model(column = "first-name")]
    pub first_name: stillroom::rusqlite::types::Value,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(table = "user_roles")]
#[model(check = r#""type" IS NOT NULL OR "ref_a_b" IS NULL"#)]
pub struct UserRoles2 {
    #[model(primary_key)]
    pub r#type: f64,
    pub row: Option<Vec<u8>>,
    #[model(references = "HTTPLog(a_b)", on_delete = "cascade", on_update = "restrict")]
    pub ref_a_b: Option<Vec<u8>>,
}
