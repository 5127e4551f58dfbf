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
#[model(unique(back_slash))]
pub struct OrdersArchive {
    #[model(primary_key, column = r"back\slash", sql_type = "INT", index)]
    pub back_slash: i64,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(unique(ref_order_date, first_name))]
#[model(check = r#""1st" IS NOT NULL OR "ref_order date" IS NULL"#)]
pub struct Jobs {
    #[model(primary_key, column = "1st", default = "-0.25")]
    pub c_1st: f64,
    #[model(column = "Order Date", default = r"'back\slash'")]
    pub order_date: stillroom::rusqlite::types::Value,
    #[model(column = "first-name", index)]
    pub first_name: Option<Vec<u8>>,
    #[model(check = r#"length("stmt") > 0"#)]
    pub stmt: stillroom::rusqlite::types::Value,
    #[model(column = "ref_order date", references = "match(Order Date)", on_update = "cascade")]
    pub ref_order_date: f64,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[allow(clippy::duplicated_attributes, reason = "a field may be named in two lists")]
#[model(unique(order_date, name = "idx_match_0"))]
#[model(unique(order_date))]
pub struct Match {
    #[model(primary_key, column = "Order Date", index)]
    pub order_date: f64,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(primary_key(x_q, order_date, c_1st))]
pub struct T {
    #[model(column = "1st", sql_type = "INT", default = "''")]
    pub c_1st: i64,
    #[model(column = "_", default = "'it''s'")]
    pub column: Option<String>,
    pub r#fn: Vec<u8>,
    #[model(check = r#""order_date" NOT LIKE '%\%'"#)]
    pub order_date: String,
    #[model(column = r#"x"q"#, default = "(1 + 2)")]
    pub x_q: i64,
}
