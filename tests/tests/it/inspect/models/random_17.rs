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
#[model(index(r#where, name = "idx_HTTPLog_1"))]
#[model(unique(r#where, name = "idx_HTTPLog_2"))]
pub struct HttpLog {
    #[model(primary_key, unique)]
    pub r#where: String,
    #[model(column = "first-name")]
    pub first_name: Option<Vec<u8>>,
    #[model(sql_type = "INT")]
    pub _private: Option<i64>,
    pub r#async: bool,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[allow(clippy::duplicated_attributes, reason = "a field may be named in two lists")]
#[model(index(order_date, r#fn, name = "idx_jobs_0"))]
#[model(index(order_date, name = "idx_jobs_1"))]
#[model(unique(self_, crate_))]
#[model(check = r#""self" IS NOT NULL OR "a_b" IS NULL"#)]
pub struct Jobs {
    #[model(primary_key, column = "self")]
    pub self_: Vec<u8>,
    #[model(default = "''")]
    pub r#fn: stillroom::rusqlite::types::Value,
    #[model(column = "crate")]
    pub crate_: Option<Vec<u8>>,
    pub order_date: f64,
    #[model(default = "x''", check = r#""a_b" >= 0"#)]
    pub a_b: Option<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(primary_key(back_slash, r#where))]
#[model(unique(first_name, back_slash, name = r#"My Index "0" of match"#))]
#[model(foreign_key(
    ref_back_slash,
    ref_where,
    references = r"match(back\slash, where)",
    on_delete = "restrict",
    on_update = "set default"
))]
#[model(check = r#""back\slash" IS NOT NULL OR "ref_where" IS NULL"#)]
pub struct Match {
    #[model(column = r"back\slash", sql_type = "INT")]
    pub back_slash: i64,
    pub value: Vec<u8>,
    #[model(column = "crate", check = r#""crate" >= 0"#)]
    pub crate_: Option<i64>,
    pub r#where: Vec<u8>,
    #[model(column = "first-name")]
    pub first_name: Option<String>,
    #[model(column = r"ref_back\slash", sql_type = "INT")]
    pub ref_back_slash: Option<i64>,
    pub ref_where: Option<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(unique(stmt, name = "idx_order_1"))]
pub struct Order {
    #[model(primary_key)]
    pub r#where: String,
    #[model(index, default = "42")]
    pub stmt: Option<i64>,
    pub count: Option<String>,
}
