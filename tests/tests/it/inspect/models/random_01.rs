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
#[model(strict = false)]
#[model(check = r#""table" IS NOT NULL OR "ref_table" IS NULL"#)]
pub struct OrdersArchive {
    #[model(primary_key)]
    pub table: i64,
    #[model(references = "ORDERS_archive(table)", on_update = "set default")]
    pub ref_table: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(table = "String")]
#[model(strict = false)]
#[model(primary_key(self_, back_slash))]
pub struct StringTable {
    #[model(column = "self", sql_type = "FLOAT")]
    pub self_: f64,
    #[model(sql_type = "TINYINT(1)")]
    pub a_b: bool,
    #[model(column = r"back\slash", sql_type = "UNSIGNED BIG INT", default = "(lower('A'))")]
    pub back_slash: i64,
    #[model(references = "t(1st)", on_delete = "cascade", on_update = "cascade")]
    pub ref_1st: stillroom::rusqlite::types::Value,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(index(first_name, stmt, r#where, name = r#"My Index "0" of t"#))]
pub struct T {
    #[model(primary_key, column = "1st")]
    pub c_1st: stillroom::rusqlite::types::Value,
    #[model(default = "'it''s'")]
    pub stmt: String,
    #[model(sql_type = "INT", default = "'x'", check = r#"length("name") > 0"#)]
    pub name: Option<bool>,
    #[model(column = "first-name", unique)]
    pub first_name: Option<i64>,
    pub r#where: String,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(table = r#"x"y"#)]
#[model(strict = false)]
#[model(unique(_private, r#async, name = r#"idx_x"y_1"#))]
pub struct XY {
    #[model(primary_key, default = "CURRENT_TIMESTAMP")]
    pub r#async: stillroom::rusqlite::types::Value,
    pub _private: stillroom::rusqlite::types::Value,
    #[model(index, default = "-3", check = r#""row" >= 0"#)]
    pub row: Option<bool>,
}
