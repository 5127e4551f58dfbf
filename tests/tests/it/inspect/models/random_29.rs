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
#[allow(clippy::duplicated_attributes, reason = "a field may be named in two lists")]
#[model(table = "2fa")]
#[model(primary_key(x_q, camel_case))]
#[model(index(_private, table, name = "idx_2fa_0"))]
#[model(index(_private, camel_case, table))]
pub struct T2fa {
    #[model(column = r#"x"q"#, default = r##"'"#'"##)]
    pub x_q: String,
    #[model(column = "CamelCase")]
    pub camel_case: String,
    pub _private: i64,
    #[model(default = "NULL", check = r#"length("table") > 0"#)]
    pub table: stillroom::rusqlite::types::Value,
    #[model(default = "-0.25")]
    pub name: f64,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[allow(clippy::duplicated_attributes, reason = "a field may be named in two lists")]
#[model(table = "userRoles")]
#[model(unique(row, ref_row, name = r#"My Index "0" of userRoles"#))]
#[model(unique(ref_row))]
#[model(check = r#""row" IS NOT NULL OR "ref_row" IS NULL"#)]
pub struct UserRoles {
    #[model(primary_key, sql_type = "INT")]
    pub row: i64,
    #[model(
        sql_type = "INT",
        index,
        references = "userRoles(row)",
        on_delete = "restrict",
        on_update = "cascade"
    )]
    pub ref_row: i64,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(table = "Ünïcode")]
pub struct NCode {
    #[model(primary_key, column = "Order Date", check = r#"length("Order Date") > 0"#)]
    pub order_date: Vec<u8>,
    #[model(index, default = "'it''s'")]
    pub table: String,
}
