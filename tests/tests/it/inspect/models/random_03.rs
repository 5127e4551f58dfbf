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
#[model(table = "my table")]
#[model(primary_key(r#name, row))]
#[model(index(ref_row, column, r#name, name = r#"My Index "1" of my table"#))]
#[model(index(row, column, ref_row))]
#[model(foreign_key(
    ref_name,
    ref_row,
    references = "my table(name, row)",
    on_delete = "set null",
    on_update = "set null"
))]
pub struct MyTable {
    #[model(default = "0", check = r#"length("name") > 0"#)]
    pub r#name: i64,
    #[model(column = r"back\slash")]
    pub back_slash: Option<String>,
    pub row: stillroom::rusqlite::types::Value,
    #[model(column = "a b", default = "-3")]
    pub a_b: bool,
    #[model(column = r#"x"q"#)]
    pub x_q: Option<stillroom::rusqlite::types::Value>,
    #[model(column = "_")]
    pub column: Option<i64>,
    pub ref_name: Option<i64>,
    #[model(index)]
    pub ref_row: Option<stillroom::rusqlite::types::Value>,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(table = "option")]
#[model(foreign_key(
    ref_name,
    ref_row,
    references = "my table(name, row)",
    on_delete = "cascade",
    on_update = "restrict"
))]
#[model(check = r#""_" IS NOT NULL OR "ref_row" IS NULL"#)]
pub struct OptionTable {
    #[model(primary_key, column = "_", default = "X'00FF'", check = r#""_" NOT LIKE '%\%'"#)]
    pub column: Vec<u8>,
    #[model(default = "1.5")]
    pub value: f64,
    #[model(column = "Order Date", default = "1.5", check = r#"length("Order Date") > 0"#)]
    pub order_date: f64,
    pub ref_name: i64,
    pub ref_row: stillroom::rusqlite::types::Value,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(table = "self")]
#[model(index(_private, order_date, name = "idx_self_0"))]
pub struct SelfTable {
    #[model(primary_key, autoincrement, check = r#""order_date" <> 'a"b'"#)]
    pub order_date: i64,
    #[model(default = "X'00FF'")]
    pub count: Option<Vec<u8>>,
    #[model(column = "Order Date")]
    pub order_date_2: String,
    #[model(column = "first-name")]
    pub first_name: Option<stillroom::rusqlite::types::Value>,
    #[model(column = "prénom")]
    pub pr_nom: Option<i64>,
    #[model(check = r#""_private" >= 0"#)]
    pub _private: stillroom::rusqlite::types::Value,
    #[model(references = "option(_)", on_update = "restrict")]
    pub ref__: Option<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(table = "userRoles")]
#[model(primary_key(order_date_2, self_, x_q))]
#[model(unique(self_, x_q))]
pub struct UserRoles {
    #[model(column = r#"x"q"#, sql_type = "INT")]
    pub x_q: i64,
    #[model(column = "self", default = "42")]
    pub self_: i64,
    #[model(column = "Order Date")]
    pub order_date_2: stillroom::rusqlite::types::Value,
    #[model(column = "1st", default = "X'00FF'", check = r#""1st" NOT LIKE '%\%'"#)]
    pub c_1st: Vec<u8>,
    pub order_date: Option<String>,
}
