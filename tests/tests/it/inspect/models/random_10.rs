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
#[model(strict = false)]
#[model(index(order_date, crate_, table, name = "idx_HTTPLog_0"))]
pub struct HttpLog {
    // declared MONEY (NUMERIC affinity): values are stored as INTEGER or REAL, which `f64` reads;
    // integers beyond 2^53 only approximately (`Value` keeps them exact)
    #[model(
        primary_key,
        column = "crate",
        sql_type = "MONEY",
        default = "'it''s'",
        check = r#"length("crate") > 0"#
    )]
    pub crate_: f64,
    #[model(sql_type = "CLOB")]
    pub table: Option<String>,
    #[model(column = "Order Date", sql_type = "INT")]
    pub order_date: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(table = "option")]
pub struct OptionTable {
    #[model(primary_key, default = "1.5")]
    pub count: f64,
    #[model(column = "1st")]
    pub c_1st: Option<stillroom::rusqlite::types::Value>,
    #[model(index)]
    pub r#async: Option<bool>,
    #[model(default = "X'00FF'")]
    pub order_date: Option<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(table = "self")]
#[model(index(table, value))]
#[model(check = r#""table" IS NOT NULL OR "ref_count" IS NULL"#)]
pub struct SelfTable {
    #[model(primary_key, autoincrement, default = "42")]
    pub table: i64,
    #[model(column = "self", default = "0x1F")]
    pub self_: bool,
    #[model(default = "''", check = r#""value" NOT LIKE '%\%'"#)]
    pub value: Option<String>,
    #[model(check = r#"length("order_date") > 0"#)]
    pub order_date: f64,
    pub r#async: Option<f64>,
    #[model(references = "option(count)", on_delete = "set default", on_update = "set null")]
    pub ref_count: Option<f64>,
}
